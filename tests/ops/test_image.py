"""lamina.ops.image.resize against NumPy (cases whose exact answer is a repeat or a mean)."""

import numpy as np
import pytest

from lamina import backend, ops
from tests.harness import assert_close


def _images(rng, shape):
    return rng.standard_normal(shape).astype("float32")


def test_nearest_upsampling_repeats_pixels(rng):
    x = _images(rng, (2, 3, 4, 2))
    out = ops.image.resize(x, (6, 8), interpolation="nearest")
    assert_close(out, np.repeat(np.repeat(x, 2, axis=1), 2, axis=2))


def test_bilinear_halving_averages_pixel_pairs(rng):
    x = _images(rng, (2, 4, 6, 3))
    out = ops.image.resize(x, (2, 3))  # half-pixel centres fall between each pair of pixels
    expected = x.astype(np.float64).reshape(2, 2, 2, 3, 2, 3).mean(axis=(2, 4))
    assert_close(out, expected, atol=1e-6)


def test_channels_first_and_unbatched(rng):
    x = _images(rng, (3, 2, 5))  # (C, H, W)
    out = ops.image.resize(x, (4, 10), interpolation="nearest", data_format="channels_first")
    assert_close(out, np.repeat(np.repeat(x, 2, axis=1), 2, axis=2))


def test_symbolic_shape():
    out = ops.image.resize(backend.KerasTensor((None, 8, 8, 3)), (4, 5))
    assert out.shape == (None, 4, 5, 3)
    assert out.dtype == "float32"


def test_unknown_interpolation_raises():
    with pytest.raises(ValueError, match="interpolation"):
        ops.image.resize(np.ones((1, 2, 2, 1), "float32"), (4, 4), interpolation="lanczos9")
