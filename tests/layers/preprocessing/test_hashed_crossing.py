"""Bins are facts from Keras 3.15.1 (TensorFlow 2.21's ``sparse.cross_hashed``) on the
same inputs: Lamina crosses without TensorFlow and must give the same bins."""

import numpy as np
import pytest

import lamina as keras
from lamina import layers, ops, saving
from tests.harness import assert_close, check_config_roundtrip

WORDS = np.array(["apple", "Bean", "corn", ""])
COUNTS = np.array([1, 2, -3, 40], dtype="int64")


def bins(layer, inputs):
    return np.asarray(ops.convert_to_numpy(layer(inputs)))


def test_bins_equal_keras():
    np.testing.assert_array_equal(bins(layers.HashedCrossing(10), (WORDS, COUNTS)), [7, 2, 8, 1])
    np.testing.assert_array_equal(
        bins(layers.HashedCrossing(1000), [WORDS[:, None], COUNTS[:, None]]),
        [[927], [662], [268], [881]],
    )
    np.testing.assert_array_equal(bins(layers.HashedCrossing(50), (WORDS, WORDS)), [18, 33, 37, 23])
    np.testing.assert_array_equal(
        bins(layers.HashedCrossing(10), (WORDS, COUNTS.astype("int32"))), [7, 2, 8, 1]
    )
    scalar = layers.HashedCrossing(10)((np.array("apple"), np.array(3)))
    assert tuple(scalar.shape) == ()
    assert int(ops.convert_to_numpy(scalar)) == 4


def test_one_hot_and_dtypes():
    y = layers.HashedCrossing(5, output_mode="one_hot")((WORDS, COUNTS))
    expected = np.eye(5)[[2, 2, 3, 1]]  # Keras 3.15.1's one-hot rows
    assert_close(y, expected)
    assert ops.dtype(y) == "float32"
    assert ops.dtype(layers.HashedCrossing(5)((WORDS, COUNTS))) == "int64"


def test_symbolic_shape_equals_eager():
    a, b = keras.Input((1,), dtype="string"), keras.Input((1,), dtype="int64")
    assert layers.HashedCrossing(7)([a, b]).shape == (None, 1)
    assert layers.HashedCrossing(7, output_mode="one_hot")([a, b]).shape == (None, 7)
    eager = layers.HashedCrossing(7, output_mode="one_hot")([WORDS[:, None], COUNTS[:, None]])
    assert tuple(eager.shape) == (4, 7)


def test_inside_a_model_and_through_a_file(tmp_path):
    a, b = keras.Input((1,), dtype="string"), keras.Input((1,), dtype="int64")
    crossed = layers.HashedCrossing(6, output_mode="one_hot", name="cross")([a, b])
    model = keras.Model([a, b], layers.Dense(2)(crossed))
    x = [WORDS[:, None], COUNTS[:, None]]
    predicted = model.predict(x, verbose=0)
    model.save(tmp_path / "cross.keras")
    loaded = saving.load_model(tmp_path / "cross.keras")
    assert_close(loaded.predict(x, verbose=0), predicted, rtol=1e-6, atol=1e-6)


def test_config_roundtrip():
    layer = layers.HashedCrossing(9, output_mode="one_hot", name="cross")
    assert sorted(layer.get_config()) == ["dtype", "name", "num_bins", "output_mode", "sparse"]
    assert check_config_roundtrip(layer).num_bins == 9


def test_bad_arguments_and_inputs():
    with pytest.raises(ValueError, match="output_mode"):
        layers.HashedCrossing(3, output_mode="multi_hot")
    with pytest.raises(ValueError, match="sparse"):
        layers.HashedCrossing(3, sparse=True)
    with pytest.raises(ValueError, match="num_bins"):
        layers.HashedCrossing(0)
    layer = layers.HashedCrossing(3)
    with pytest.raises(ValueError, match="list or tuple"):
        layer(WORDS)
    with pytest.raises(ValueError, match="at least two"):
        layer([WORDS])
    with pytest.raises(ValueError, match="equal shape"):
        layer((WORDS, COUNTS[:3]))
    with pytest.raises(ValueError, match="integer or string"):
        layer((WORDS, COUNTS.astype("float32")))
    with pytest.raises(ValueError, match="batch_size, 1"):
        layer((WORDS.reshape(2, 2), WORDS.reshape(2, 2)))
