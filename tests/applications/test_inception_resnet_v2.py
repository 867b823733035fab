"""InceptionResNetV2 against Keras 3.15.1's facts (tools/keras_interop/application_facts.py)
and a forward pass on its smallest input (75 x 75)."""

import numpy as np
import pytest

from lamina.applications import inception_resnet_v2
from tests.applications.application_checks import (
    check_forward,
    check_keras_facts,
    fetched_files,
    slow_on_jax,
)
from tests.harness import assert_close, check_config_roundtrip, to_numpy

# count_params (classifier, include_top=False), number of layers, digest of their names
KERAS_FACTS = (55873736, 54336736, 782, "cd59abf5c87acb46")


@slow_on_jax
def test_matches_keras():
    check_keras_facts(inception_resnet_v2.InceptionResNetV2, KERAS_FACTS)


@slow_on_jax
def test_forward_pass(rng):
    outputs = check_forward(inception_resnet_v2.InceptionResNetV2, rng, size=75, classes=3)
    assert outputs.shape == (2, 3)


def test_block_matches_numpy(rng):
    """One Inception-ResNet-A block on a small feature map: the shortcut plus 0.17 times the
    projected branches (the cheap check of the fast suite)."""
    from lamina import layers, models

    inputs = layers.Input((5, 5, 8))
    outputs = inception_resnet_v2.inception_resnet_block(inputs, 0.17, "block35", 1)
    model = models.Model(inputs, outputs)
    last = model.layers[-3:]
    assert [last[0].name, type(last[1]).__name__, last[2].name] == [
        "block35_1_conv",
        "CustomScaleLayer",
        "block35_1_ac",
    ]
    images = rng.standard_normal((2, 5, 5, 8)).astype("float32")
    projection = models.Model(inputs, model.get_layer("block35_1_conv").output)
    expected = np.maximum(images + 0.17 * to_numpy(projection(images)), 0)
    assert_close(model(images), expected, atol=1e-5)


def test_custom_scale_layer(rng):
    layer = inception_resnet_v2.CustomScaleLayer(0.5)
    a, b = rng.standard_normal((2, 3, 4)).astype("float32")
    assert_close(layer([a, b]), a + 0.5 * b.astype("float64"))
    check_config_roundtrip(layer)


def test_unknown_block_type():
    from lamina import layers

    with pytest.raises(ValueError, match="block_type=block99"):
        inception_resnet_v2.inception_resnet_block(layers.Input((5, 5, 8)), 0.1, "block99", 1)


def test_preprocess_input_is_tf_mode(rng):
    images = rng.uniform(0, 255, (2, 4, 4, 3))
    assert abs(inception_resnet_v2.preprocess_input(images) - (images / 127.5 - 1)).max() < 1e-9


@slow_on_jax
def test_keras_weight_file_names(monkeypatch):
    name = "inception_resnet_v2_weights_tf_dim_ordering_tf_kernels_notop.h5"
    calls = fetched_files(
        monkeypatch, lambda: inception_resnet_v2.InceptionResNetV2(include_top=False)
    )
    url = inception_resnet_v2.BASE_WEIGHT_URL + name
    assert calls == [(name, url, "models", "d19885ff4a710c122648d3b5c3b684e4")]
