import numpy as np
import pytest

import lamina as keras
from lamina import ops
from lamina.layers.preprocessing import CategoryEncoding
from tests.harness import assert_close, check_config_roundtrip


def one_hot(indices, depth):
    return (np.asarray(indices)[..., None] == np.arange(depth)).astype(np.float64)


@pytest.mark.parametrize("output_mode", ["one_hot", "multi_hot", "count"])
def test_output_modes_match_numpy(rng, output_mode):
    x = rng.integers(0, 5, size=(4, 3))
    expected = {
        "one_hot": one_hot(x, 5),
        "multi_hot": one_hot(x, 5).max(axis=1),
        "count": one_hot(x, 5).sum(axis=1),
    }[output_mode]
    layer = CategoryEncoding(5, output_mode=output_mode)
    y = layer(x)
    assert_close(y, expected)
    assert ops.dtype(y) == "float32"
    symbolic = layer(keras.Input((3,), dtype="int32"))
    assert symbolic.shape[1:] == tuple(y.shape)[1:]


def test_count_weights(rng):
    x = rng.integers(0, 4, size=(3, 5))
    weights = rng.uniform(0.1, 1.0, size=(3, 5))
    y = CategoryEncoding(4, output_mode="count")(x, count_weights=weights)
    assert_close(y, (one_hot(x, 4) * weights[..., None]).sum(axis=1), rtol=1e-6)
    with pytest.raises(ValueError, match="count_weights"):
        CategoryEncoding(4, output_mode="one_hot")(x, count_weights=weights)


def test_shapes_of_scalars_vectors_and_trailing_ones(rng):
    assert_close(CategoryEncoding(3, output_mode="multi_hot")(np.array(2)), [0.0, 0.0, 1.0])
    x = rng.integers(0, 3, size=(4, 1))
    assert_close(CategoryEncoding(3, output_mode="one_hot")(x), one_hot(x[:, 0], 3))
    assert_close(CategoryEncoding(3, output_mode="multi_hot")(x[:, 0]), one_hot(x[:, 0], 3).max(0))
    assert CategoryEncoding(3, output_mode="one_hot")(keras.Input((1,))).shape == (None, 3)


def test_out_of_range_values():
    with pytest.raises(ValueError, match=r"values < num_tokens=4\. Received a value of 4"):
        CategoryEncoding(4)(np.array([[0, 4]]))
    assert_close(CategoryEncoding(4, output_mode="one_hot")(np.array([-1, 2])), one_hot([9, 2], 4))


def test_config_roundtrip():
    layer = CategoryEncoding(num_tokens=6, output_mode="count", name="encode")
    clone = check_config_roundtrip(layer)
    assert (clone.num_tokens, clone.output_mode) == (6, "count")
    assert "sparse" not in layer.get_config()  # as Keras's config
    assert CategoryEncoding(3, output_mode="binary").output_mode == "multi_hot"


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({}, ValueError, "num_tokens must be set"),
        ({"num_tokens": 0}, ValueError, "num_tokens"),
        ({"num_tokens": 2.0}, TypeError, "num_tokens"),
        ({"num_tokens": 2, "output_mode": "int"}, ValueError, "output_mode"),
        ({"num_tokens": 2, "sparse": True}, ValueError, "sparse"),
    ],
)
def test_bad_arguments(kwargs, error, message):
    with pytest.raises(error, match=message):
        CategoryEncoding(**kwargs)
