"""Bins are facts from Keras 3.15.1 (torch backend, TensorFlow 2.21 installed) on the same
inputs: Lamina hashes without TensorFlow and must give the same bins."""

import numpy as np
import pytest

import lamina as keras
from lamina import layers, ops, saving
from tests.harness import assert_close, check_config_roundtrip

WORDS = np.array(["apple", "Bean", "corn", "", "日本", "x" * 70 + "tail", "0", "-1"])
INTS = np.array([[0], [1], [-7], [123456789012]])

KERAS_BINS = [
    ("fast", {"num_bins": 7}, WORDS, [1, 0, 1, 6, 6, 4, 2, 4]),
    ("mask", {"num_bins": 5, "mask_value": ""}, WORDS, [2, 4, 4, 0, 4, 4, 4, 3]),
    ("salt_pair", {"num_bins": 11, "salt": [133, 137]}, WORDS, [0, 9, 8, 4, 1, 7, 1, 6]),
    ("salt_int", {"num_bins": 11, "salt": 42}, WORDS, [1, 9, 8, 7, 3, 5, 4, 0]),
    ("ints", {"num_bins": 6}, INTS, [[1], [3], [2], [3]]),
    ("ints_mask", {"num_bins": 6, "mask_value": 1}, INTS, [[1], [0], [3], [3]]),
    ("floats", {"num_bins": 6}, np.array([1.5, -2.7, 3.0, 1.0]), [3, 1, 3, 3]),
]


def one_hot(indices, depth):
    return (np.asarray(indices)[..., None] == np.arange(depth)).astype(np.float64)


@pytest.mark.parametrize(("kwargs", "inputs", "expected"), [c[1:] for c in KERAS_BINS])
def test_bins_equal_keras(kwargs, inputs, expected):
    outputs = layers.Hashing(**kwargs)(inputs)
    assert ops.dtype(outputs) == "int64"
    np.testing.assert_array_equal(ops.convert_to_numpy(outputs), expected)


def test_encoded_output_modes_and_dtype():
    bins = np.array([1, 3, 3, 3, 3, 3, 3, 2])  # Keras: Hashing(4)(WORDS)
    y = layers.Hashing(4, dtype="int32")(WORDS)
    assert ops.dtype(y) == "int32"
    np.testing.assert_array_equal(ops.convert_to_numpy(y), bins)
    rows = bins.reshape(2, 4)
    multi = layers.Hashing(4, output_mode="multi_hot")(WORDS.reshape(2, 4))
    assert_close(multi, one_hot(rows, 4).max(axis=1))
    assert_close(
        layers.Hashing(4, output_mode="count")(WORDS.reshape(2, 4)), one_hot(rows, 4).sum(1)
    )
    assert_close(layers.Hashing(4, output_mode="one_hot")(WORDS.reshape(8, 1)), one_hot(bins, 4))
    assert ops.dtype(multi) == "float32"


def test_bytes_and_object_arrays_hash_like_str():
    expected = ops.convert_to_numpy(layers.Hashing(7)(WORDS))
    encoded = np.array([w.encode("utf-8") for w in WORDS], dtype=object)
    np.testing.assert_array_equal(ops.convert_to_numpy(layers.Hashing(7)(encoded)), expected)
    masked = layers.Hashing(5, mask_value="")(encoded)
    np.testing.assert_array_equal(ops.convert_to_numpy(masked), [2, 4, 4, 0, 4, 4, 4, 3])


def test_symbolic_shapes_equal_eager():
    for mode, shape in [("int", (None, 3)), ("multi_hot", (None, 5)), ("one_hot", (None, 3, 5))]:
        layer = layers.Hashing(5, output_mode=mode)
        assert layer(keras.Input((3,), dtype="string")).shape == shape
        assert tuple(layer(WORDS[:6].reshape(2, 3)).shape) == (2, *shape[1:])


def test_string_model_predicts_and_round_trips(tmp_path):
    inputs = keras.Input((1,), dtype="string")
    hashed = layers.Hashing(8, output_mode="one_hot")(inputs)
    model = keras.Model(inputs, layers.Dense(1)(hashed))
    x = WORDS.reshape(8, 1)
    predicted = model.predict(x, batch_size=4, verbose=0)
    assert predicted.shape == (8, 1)
    model.save(tmp_path / "hashing.keras")
    loaded = saving.load_model(tmp_path / "hashing.keras")
    assert_close(loaded.predict(x, verbose=0), predicted, rtol=1e-6, atol=1e-6)


@pytest.mark.training
def test_string_model_fits():
    inputs = keras.Input((1,), dtype="string")
    outputs = layers.Dense(1)(layers.Hashing(8, output_mode="one_hot")(inputs))
    model = keras.Model(inputs, outputs)
    model.compile(optimizer="adam", loss="mse")
    x, y = WORDS.reshape(8, 1), np.linspace(-1, 1, 8).reshape(8, 1).astype("float32")
    history = model.fit(x, y, batch_size=8, epochs=2, verbose=0)
    assert history.history["loss"][-1] < history.history["loss"][0]


def test_config_roundtrip():
    layer = layers.Hashing(5, salt=3, mask_value="[PAD]", output_mode="count", name="h")
    config = layer.get_config()
    assert (config["salt"], config["mask_value"], config["sparse"]) == ([3, 3], "[PAD]", False)
    clone = check_config_roundtrip(layer)
    np.testing.assert_array_equal(
        ops.convert_to_numpy(clone(WORDS.reshape(2, 4))),
        ops.convert_to_numpy(layer(WORDS.reshape(2, 4))),
    )


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"num_bins": 0}, "num_bins"),
        ({"num_bins": None}, "num_bins"),
        ({"num_bins": 3, "salt": "pepper"}, "salt"),
        ({"num_bins": 3, "output_mode": "tf_idf"}, "output_mode"),
        ({"num_bins": 3, "sparse": True}, "sparse"),
        ({"num_bins": 3, "output_mode": "multi_hot", "sparse": True}, "sparse"),
        ({"num_bins": 3, "dtype": "float32"}, "dtype"),
    ],
)
def test_bad_arguments(kwargs, message):
    with pytest.raises(ValueError, match=message):
        layers.Hashing(**kwargs)
