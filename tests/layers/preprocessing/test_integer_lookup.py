"""IntegerLookup: integer tokens to indices and back; OOV buckets; configs."""

import numpy as np
import pytest

import lamina
from lamina import layers
from tests.harness import assert_close, check_config_roundtrip, to_numpy


def test_lookup_matches_reference(rng):
    vocabulary = [12, 36, 1138, 42]
    tokens = rng.choice([12, 36, 1138, 42, 7, 0], (4, 5))
    table = {token: 2 + i for i, token in enumerate(vocabulary)}
    expected = np.vectorize(lambda t: 0 if t == 0 else table.get(t, 1))(tokens)
    layer = layers.IntegerLookup(vocabulary=vocabulary, mask_token=0)
    assert_close(layer(tokens), expected)
    assert_close(layer(lamina.ops.convert_to_tensor(tokens)), expected)  # engine tensors too
    assert layer(lamina.Input((5,), dtype="int64")).shape == (None, 5)


def test_floormod_oov_buckets(rng):
    tokens = rng.integers(0, 50, (3, 4))
    layer = layers.IntegerLookup(vocabulary=[3, 5], num_oov_indices=3)
    expected = np.where(tokens == 3, 3, np.where(tokens == 5, 4, tokens % 3))
    assert_close(layer(tokens), expected)


def test_adapt_and_invert(rng):
    data = rng.integers(1, 6, (20, 2))
    layer = layers.IntegerLookup()
    layer.adapt(data)
    values, counts = np.unique(data, return_counts=True)
    order = sorted(zip(counts.tolist(), values.tolist()), reverse=True)
    assert layer.get_vocabulary() == [-1, *[value for _, value in order]]
    inverse = layers.IntegerLookup(vocabulary=layer.get_vocabulary(), invert=True)
    assert_close(inverse(layer(data)), data)


def test_config_roundtrip_and_bad_arguments():
    check_config_roundtrip(layers.IntegerLookup(vocabulary=[4, 8], output_mode="count"))
    with pytest.raises(ValueError, match="vocabulary_dtype"):
        layers.IntegerLookup(vocabulary_dtype="int32")
    with pytest.raises(ValueError, match="oov_method"):
        layers.IntegerLookup(oov_method="modulo")
    with pytest.raises(ValueError, match="salt"):
        layers.IntegerLookup(salt=3)  # needs oov_method="farmhash"
    with pytest.raises(TypeError, match="integer tokens"):
        layers.IntegerLookup(vocabulary=[1])(np.array([0.5]))


def test_one_hot_of_a_trailing_axis_of_one(rng):
    layer = layers.IntegerLookup(vocabulary=[7, 9], output_mode="one_hot")
    out = to_numpy(layer(np.array([[7], [9], [1]])))
    assert_close(out, np.eye(3)[[1, 2, 0]])
