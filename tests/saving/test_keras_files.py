"""Files written by Keras 3 itself load in Lamina and predict what Keras predicted."""

import pathlib

import numpy as np
import pytest

import lamina as keras

FILES = pathlib.Path(__file__).parent / "keras_files"
EXPECTED = np.load(FILES / "expected.npz")


def test_keras_sequential_cnn_file_loads_and_predicts_the_same():
    model = keras.models.load_model(FILES / "keras_cnn.keras")
    np.testing.assert_allclose(
        model.predict(EXPECTED["x"], verbose=0), EXPECTED["cnn"], rtol=1e-5, atol=1e-6
    )
    assert model.optimizer.iterations.numpy() == 2  # the optimizer state came along


@pytest.mark.parametrize("source", ["keras_functional.keras", "keras_functional.weights.h5"])
def test_keras_functional_files_load_and_predict_the_same(source):
    if source.endswith(".keras"):
        model = keras.models.load_model(FILES / source)
    else:
        model = two_by_two()
        model.load_weights(FILES / source)
    label, score = model.predict([EXPECTED["x1"], EXPECTED["x2"]], verbose=0)
    np.testing.assert_allclose(label, EXPECTED["label"], rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(score, EXPECTED["score"], rtol=1e-5, atol=1e-6)


def two_by_two():
    """The same architecture built in Lamina: its layer order must name the file's groups."""
    layers = keras.layers
    image = keras.Input(shape=(8,), name="image")
    meta = keras.Input(shape=(3,), name="meta")
    shared = layers.Dense(5, activation="tanh", name="shared")
    a = shared(layers.Dense(5, name="proj")(image))
    b = shared(layers.Dense(5, name="meta_proj")(meta))
    merged = layers.Concatenate()([a, b])
    label = layers.Dense(3, activation="softmax", name="label")(merged)
    score = layers.Dense(1, name="score")(layers.LayerNormalization()(merged))
    return keras.Model([image, meta], [label, score], name="two_by_two")


def test_functional_layers_follow_keras_order():
    names = [layer.name for layer in two_by_two().layers]
    assert names[:5] == ["image", "meta", "proj", "meta_proj", "shared"]
