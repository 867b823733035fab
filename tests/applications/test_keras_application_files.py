"""Files written by real Keras 3.15.1 (tools/keras_interop/application_fixtures.py): an
application's weights in the Keras 2 HDF5 layout of Keras's published files, loaded by
topological order and by name, a small MobileNetV3Small in both weight layouts, and a
``.keras`` model of the layers applications define for themselves (ConvNeXt's LayerScale
and StochasticDepth, CustomScaleLayer); each gives Keras's outputs. Lamina-saved models
of those layers load back through the allow-list."""

import os

import numpy as np
import pytest

from lamina import backend, layers, models, saving
from lamina.applications import convnext, inception_resnet_v2, mobilenet, mobilenet_v3
from tests.applications.application_checks import slow_on_jax
from tests.harness import assert_close, to_numpy

FILES = os.path.join(os.path.dirname(__file__), "keras_files")


@pytest.fixture(scope="module")
def expected():
    with np.load(os.path.join(FILES, "expected.npz")) as data:
        return dict(data)


def small_mobilenet(weights=None):
    """MobileNet at alpha 0.25 on 32x32 images, its initializers skipped (the file's values
    replace them)."""
    with backend.global_state.deferred_initializers():
        return mobilenet.MobileNet(
            input_shape=(32, 32, 3), alpha=0.25, include_top=False, weights=weights
        )


# On JAX a forward pass of these compiles for tens of seconds on two cores (grouped and
# depthwise convolutions): there they run with the slow set; the file reading is the same.
@slow_on_jax
@pytest.mark.parametrize("by_name", [False, True])
def test_keras_legacy_weight_file_loads(expected, by_name):
    model = small_mobilenet()
    model.load_weights(os.path.join(FILES, "mobilenet_025_notop.h5"), by_name=by_name)
    assert_close(model(expected["images"], training=False), expected["mobilenet"], atol=1e-4)


@slow_on_jax
def test_keras_legacy_weight_file_through_weights_argument(expected):
    """``weights="path"`` loads a local file, as with Keras's published ones."""
    path = os.path.join(FILES, "mobilenet_025_notop.h5")
    model = small_mobilenet(weights=path)
    assert_close(model(expected["images"], training=False), expected["mobilenet"], atol=1e-4)


def small_mobilenet_v3(weights=None):
    """MobileNetV3Small at alpha 0.35 with a 5-class head on 32x32 images, as Keras wrote
    it (squeeze-excite blocks, hard-swish, Rescaling, the convolutional classifier)."""
    with backend.global_state.deferred_initializers():
        return mobilenet_v3.MobileNetV3Small(
            input_shape=(32, 32, 3),
            alpha=0.35,
            classes=5,
            classifier_activation=None,
            weights=weights,
        )


@slow_on_jax
def test_keras_mobilenet_v3_files_in_both_layouts():
    """Keras 3's ``.weights.h5`` (through ``weights=<path>``) gives Keras's logits; the
    Keras 2 layout of the same weights loads the same values (no second forward pass)."""
    with np.load(os.path.join(FILES, "mobilenet_v3_small_035.npz")) as data:
        images, logits = data["images"], data["logits"]
    model = small_mobilenet_v3(os.path.join(FILES, "mobilenet_v3_small_035.weights.h5"))
    assert_close(model(images, training=False), logits, atol=1e-4)
    legacy = small_mobilenet_v3()
    legacy.load_weights(os.path.join(FILES, "mobilenet_v3_small_035.h5"))
    for ours, keras_2 in zip(model.weights, legacy.weights):
        np.testing.assert_array_equal(to_numpy(keras_2), to_numpy(ours), err_msg=ours.path)


@slow_on_jax
def test_keras_application_layers_file_loads(expected):
    model = saving.load_model(os.path.join(FILES, "application_blocks.keras"))
    classes = {type(layer).__name__ for layer in model.layers}
    assert {"LayerScale", "StochasticDepth", "CustomScaleLayer"} <= classes
    assert_close(model(expected["features"], training=False), expected["blocks"], atol=1e-4)


def test_application_layers_round_trip_a_keras_file(tmp_path, rng):
    inputs = layers.Input((6, 8))
    x = layers.Dense(8, name="pointwise")(inputs)
    x = convnext.LayerScale(0.5, 8, name="scale")(x)
    x = convnext.StochasticDepth(0.1, name="drop_path")(x)
    x = inception_resnet_v2.CustomScaleLayer(0.17, name="residual")([inputs, x])
    model = models.Model(inputs, x)
    model.get_layer("scale").set_weights([rng.uniform(0.5, 1.5, (8,)).astype("float32")])
    model.save(tmp_path / "blocks.keras")
    loaded = saving.load_model(tmp_path / "blocks.keras")
    assert [type(layer) for layer in loaded.layers] == [type(layer) for layer in model.layers]
    assert loaded.get_layer("drop_path").get_config() == model.get_layer("drop_path").get_config()
    features = rng.standard_normal((2, 6, 8)).astype("float32")
    assert_close(loaded(features), model(features))
