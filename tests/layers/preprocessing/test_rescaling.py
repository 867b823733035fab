import numpy as np
import pytest

import lamina as keras
from lamina import ops
from lamina.layers.preprocessing import Rescaling
from tests.harness import assert_close, check_config_roundtrip


@pytest.mark.parametrize(
    ("scale", "offset"), [(1 / 255.0, 0.0), (1 / 127.5, -1.0), ([0.5, 2.0, -1.0], [0.1, 0.2, 0.3])]
)
def test_rescaling_matches_numpy(rng, scale, offset):
    x = rng.uniform(0, 255, size=(2, 4, 3))
    expected = x * np.asarray(scale) + np.asarray(offset)
    assert_close(Rescaling(scale, offset)(x), expected, rtol=1e-5, atol=1e-5)


def test_rescaling_casts_integers_to_the_compute_dtype(rng):
    x = rng.integers(0, 255, size=(2, 3)).astype("uint8")
    y = Rescaling(1 / 255.0)(x)
    assert ops.dtype(y) == "float32"
    assert_close(y, x / 255.0)


def test_rescaling_config_roundtrip():
    clone = check_config_roundtrip(Rescaling(0.5, offset=-1.0, name="scale"))
    assert (clone.scale, clone.offset) == (0.5, -1.0)
    assert Rescaling(2.0).get_config()["offset"] == 0.0


def test_rescaling_symbolic_shape_equals_eager(rng):
    layer = Rescaling(2.0)
    assert layer(keras.Input((4, 3))).shape == (None, 4, 3)
    assert tuple(layer(rng.standard_normal((2, 4, 3))).shape) == (2, 4, 3)
