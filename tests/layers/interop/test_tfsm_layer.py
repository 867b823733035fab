"""TFSMLayer: a TensorFlow SavedModel endpoint as a layer, on every engine (inference)."""

import numpy as np
import pytest

import lamina
from lamina import layers, saving
from tests.harness import assert_close, check_config_roundtrip, to_numpy


@pytest.fixture(scope="module")
def artifact(tmp_path_factory):
    """A SavedModel written by plain TensorFlow: ``serve`` is tanh(x @ kernel + bias) and
    ``train`` twice that; ``serving_default`` returns ``serve`` as a dict."""
    tf = pytest.importorskip("tensorflow", reason="TFSMLayer loads TensorFlow SavedModels")
    rng = np.random.default_rng(7)
    kernel = rng.standard_normal((3, 2)).astype("float32")
    bias = rng.standard_normal(2).astype("float32")
    root = tf.Module()
    root.kernel = tf.Variable(kernel, name="kernel")
    root.bias = tf.Variable(bias, name="bias")
    spec = [tf.TensorSpec((None, 3), tf.float32)]

    @tf.function(input_signature=spec)
    def serve(x):
        return tf.tanh(tf.matmul(x, root.kernel) + root.bias)

    @tf.function(input_signature=spec)
    def train(x):
        return 2.0 * serve(x)

    root.serve, root.train = serve, train
    folder = str(tmp_path_factory.mktemp("tfsm") / "artifact")
    tf.saved_model.save(root, folder, signatures={"serving_default": serve})
    return folder, kernel.astype("float64"), bias.astype("float64")


def _reference(x, kernel, bias):
    return np.tanh(np.asarray(x, "float64") @ kernel + bias)


def test_layer_runs_the_endpoint(artifact, rng):
    folder, kernel, bias = artifact
    layer = layers.TFSMLayer(folder, call_training_endpoint="train")
    x = rng.standard_normal((4, 3)).astype("float32")
    assert_close(layer(x), _reference(x, kernel, bias))
    assert_close(layer(x, training=True), 2 * _reference(x, kernel, bias))


def test_symbolic_output_matches_eager(artifact, rng):
    folder, kernel, bias = artifact
    inputs = lamina.Input((3,))
    outputs = layers.TFSMLayer(folder)(inputs)
    assert outputs.shape == (None, 2)
    model = lamina.Model(inputs, outputs)
    x = rng.standard_normal((5, 3)).astype("float32")
    predicted = model.predict(x, verbose=0)
    assert predicted.shape == (5, *outputs.shape[1:])
    assert_close(predicted, _reference(x, kernel, bias))


def test_signature_endpoint_returns_its_dict(artifact, rng):
    folder, kernel, bias = artifact
    layer = layers.TFSMLayer(folder, call_endpoint="serving_default")
    x = rng.standard_normal((2, 3)).astype("float32")
    outputs = layer(x)
    assert list(outputs) == ["output_0"]
    assert_close(outputs["output_0"], _reference(x, kernel, bias))


def test_weights_are_the_saved_variables_and_setting_them_counts(artifact, rng):
    folder, kernel, bias = artifact
    layer = layers.TFSMLayer(folder)
    assert layer.trainable_weights == []
    assert sorted(w.shape for w in layer.weights) == [(2,), (3, 2)]
    weights = {tuple(w.shape): to_numpy(w) for w in layer.weights}
    np.testing.assert_array_equal(weights[(3, 2)], kernel.astype("float32"))
    new_kernel = rng.standard_normal((3, 2))
    layer.set_weights([new_kernel if w.shape == (3, 2) else to_numpy(w) for w in layer.weights])
    x = rng.standard_normal((4, 3)).astype("float32")
    assert_close(layer(x), _reference(x, new_kernel, bias))


def test_bad_arguments_name_what_was_received(artifact, tmp_path):
    folder, *_ = artifact
    with pytest.raises(ValueError, match="must be a SavedModel folder"):
        layers.TFSMLayer(tmp_path / "missing")
    with pytest.raises(ValueError, match="`call_endpoint`='predict' is neither"):
        layers.TFSMLayer(folder, call_endpoint="predict")
    with pytest.raises(ValueError, match="`call_training_endpoint`='fit' is neither"):
        layers.TFSMLayer(folder, call_training_endpoint="fit")
    with pytest.raises(TypeError, match="`call_endpoint` must be a string; received 3"):
        layers.TFSMLayer(folder, call_endpoint=3)


def test_config_round_trips(artifact):
    folder, *_ = artifact
    layer = layers.TFSMLayer(folder, call_training_endpoint="train", name="reloaded")
    clone = check_config_roundtrip(layer)
    assert clone.get_config()["filepath"] == folder


def test_keras_file_needs_safe_mode_off(artifact, rng, tmp_path):
    """As in Keras: a file naming a SavedModel runs that graph, so safe_mode refuses it."""
    folder, kernel, bias = artifact
    inputs = lamina.Input((3,))
    model = lamina.Model(inputs, layers.TFSMLayer(folder)(inputs))
    model.save(tmp_path / "model.keras")
    with pytest.raises(ValueError, match="Refusing to load a TFSMLayer with safe_mode=True"):
        saving.load_model(tmp_path / "model.keras")
    loaded = saving.load_model(tmp_path / "model.keras", safe_mode=False)
    assert type(loaded.layers[-1]) is layers.TFSMLayer
    x = rng.standard_normal((3, 3)).astype("float32")
    assert_close(loaded.predict(x, verbose=0), _reference(x, kernel, bias))
