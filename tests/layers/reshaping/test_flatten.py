import numpy as np
import pytest

import lamina as keras
from lamina.layers.reshaping import Flatten
from tests.harness import assert_close, check_config_roundtrip


@pytest.mark.parametrize("shape", [(2, 3), (2, 3, 4), (2, 3, 4, 5)])
def test_flatten_channels_last_matches_numpy(rng, shape):
    x = rng.standard_normal(shape).astype("float32")
    assert_close(Flatten()(x), x.reshape(shape[0], -1))


@pytest.mark.parametrize("shape", [(2, 3, 4), (2, 3, 4, 5)])
def test_flatten_channels_first_moves_channels_last(rng, shape):
    x = rng.standard_normal(shape).astype("float32")
    expected = np.moveaxis(x, 1, -1).reshape(shape[0], -1)
    assert_close(Flatten(data_format="channels_first")(x), expected)


def test_flatten_of_a_batch_of_scalars(rng):
    x = rng.standard_normal((5,)).astype("float32")
    assert_close(Flatten()(x), x.reshape(5, 1))


@pytest.mark.parametrize(
    ("shape", "expected"),
    [((3, 4), (None, 12)), ((None, 4), (None, None)), ((2, 3, 4), (None, 24))],
)
def test_flatten_symbolic_shape(shape, expected):
    assert Flatten()(keras.Input(shape)).shape == expected


def test_flatten_symbolic_shape_equals_eager(rng):
    layer = Flatten(data_format="channels_first")
    eager = layer(rng.standard_normal((2, 3, 4, 5)))
    assert layer(keras.Input((3, 4, 5))).shape[1:] == tuple(eager.shape)[1:]


def test_flatten_config_roundtrip():
    clone = check_config_roundtrip(Flatten(data_format="channels_first"))
    assert clone.data_format == "channels_first"
    assert Flatten().get_config()["data_format"] == "channels_last"


def test_flatten_rejects_bad_data_format():
    with pytest.raises(ValueError, match="data_format"):
        Flatten(data_format="nhwc")
