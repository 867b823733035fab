"""Float8 helpers against float64 NumPy (``ml_dtypes``, when installed, for the float8
casts) and against Keras 3.15.1's numbers (KERAS_BACKEND=torch)."""

import numpy as np
import pytest

from lamina import backend, ops, quantizers
from tests.harness import assert_close

X = np.array(
    [[0.001, 0.299, -0.274, -0.891], [-0.455, -0.992, 0.06, 1.34], [-0.492, -0.62, 0.49, 0.357]],
    "float32",
)


def test_compute_float8_scale_matches_numpy(rng):
    amax = np.abs(rng.standard_normal(20)) * 10
    amax[[3, 7]] = 0.0  # no new maximum: the old scale stays
    amax[11] = np.inf
    scale = rng.uniform(0.1, 2.0, 20)
    for margin in (0, 2):
        expected = amax * 2.0**margin / 448.0
        kept = (amax <= 0) | ~np.isfinite(amax)
        expected[kept] = scale[kept]
        out = quantizers.compute_float8_scale(amax, scale, 448.0, margin=margin)
        assert_close(out, expected, rtol=1e-12)


def test_compute_float8_scale_keras_facts():
    amax = np.array([2.5, 0.0, np.inf, 0.75], "float32")
    scale = np.array([0.5, 0.25, 2.0, 1.0], "float32")
    out = quantizers.compute_float8_scale(amax, scale, 448.0)
    assert backend.standardize_dtype(out.dtype) == "float32"
    assert_close(out, [0.005580357275903225, 0.25, 2.0, 0.0016741071594879031], rtol=1e-6)
    out = quantizers.compute_float8_scale(amax, scale, 448.0, margin=1)
    assert_close(out, [0.01116071455180645, 0.25, 2.0, 0.0033482143189758062], rtol=1e-6)


def test_compute_float8_amax_history(rng):
    x = rng.standard_normal((3, 5))
    history = rng.uniform(0.5, 3.0, 6).astype("float32")
    out = quantizers.compute_float8_amax_history(x, history)
    expected = np.roll(history, -1)
    expected[0] = np.max(np.abs(x))
    assert backend.standardize_dtype(out.dtype) == "float32"
    assert_close(out, expected, rtol=1e-6)
    # Keras 3.15.1: history [1, 2, 3, 4] after X (max |X| = 1.34).
    out = quantizers.compute_float8_amax_history(X, np.array([1.0, 2.0, 3.0, 4.0], "float32"))
    assert_close(out, [1.340000033378601, 3.0, 4.0, 1.0])


def test_compute_float8_amax_history_needs_1d():
    with pytest.raises(ValueError, match="1D"):
        quantizers.compute_float8_amax_history(X, np.ones((2, 2), "float32"))


def _reference(x, scale, quantized_dtype, ml_dtypes):
    largest = float(ml_dtypes.finfo(quantized_dtype).max)
    scaled = np.clip(x / scale, -largest, largest)
    return scaled.astype(quantized_dtype).astype(np.float64) * scale


@pytest.mark.parametrize("quantized_dtype", ["float8_e4m3fn", "float8_e5m2", "float16"])
def test_quantize_and_dequantize_matches_ml_dtypes(rng, quantized_dtype):
    # Magnitudes from far below the smallest normal to far above the largest finite value.
    ml_dtypes = pytest.importorskip("ml_dtypes", reason="the float8 reference casts")
    x = rng.standard_normal(400) * 10.0 ** rng.uniform(-9, 6, 400)
    scale = 0.75
    out = quantizers.quantize_and_dequantize(x, scale, quantized_dtype, "float64")
    assert backend.standardize_dtype(out.dtype) == "float64"
    dtype = getattr(ml_dtypes, quantized_dtype, None) or np.dtype(quantized_dtype)
    assert_close(out, _reference(x, scale, dtype, ml_dtypes), rtol=0, atol=0)


def test_quantize_and_dequantize_keras_facts():
    out = quantizers.quantize_and_dequantize(X, np.float32(0.01), "float8_e4m3fn", "float32")
    assert backend.standardize_dtype(out.dtype) == "float32"
    assert_close(
        out,
        [[0.001015624962747097, 0.29999998211860657, -0.2800000011920929, -0.8799999952316284],
         [-0.4399999976158142, -0.9599999785423279, 0.05999999865889549, 1.2799999713897705],
         [-0.47999998927116394, -0.6399999856948853, 0.47999998927116394, 0.35999998450279236]],
        rtol=1e-6,
    )  # fmt: skip
    out = quantizers.quantize_and_dequantize(X * 100, np.float32(0.001), "float8_e5m2", "float32")
    assert_close(
        out,
        [[0.096, 28.672, -28.672, -57.344], [-49.152, -57.344, 6.144, 57.344],
         [-49.152, -57.344, 49.152, 32.768]],
        rtol=1e-6,
    )  # fmt: skip


def test_quantize_and_dequantize_unknown_dtype():
    with pytest.raises(ValueError, match="quantized_dtype"):
        quantizers.quantize_and_dequantize(X, 1.0, "int8", "float32")


def test_quantize_and_dequantize_takes_tensors():
    out = quantizers.quantize_and_dequantize(
        ops.convert_to_tensor(X), ops.convert_to_tensor(np.float32(0.01)), "float8_e4m3fn",
        "float32",
    )  # fmt: skip
    assert tuple(out.shape) == X.shape
