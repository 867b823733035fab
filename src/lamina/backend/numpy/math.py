"""Math functions on NumPy beyond NumPy's set.

``erf`` and ``erfinv`` are SciPy's when SciPy is importable (it comes with JAX, for example);
otherwise vectorised approximations accurate to about 1e-7 relative error, enough for float32.
"""

from __future__ import annotations

import numpy as np

from lamina.backend.numpy.core import bfloat16_via_float32, kind, quiet, to_array, to_numpy_dtype

try:
    from scipy.special import erf as _scipy_erf, erfc as _scipy_erfc, erfinv as _scipy_erfinv
except ImportError:  # SciPy is optional: NumPy is the engine's only requirement
    _scipy_erf = _scipy_erfc = _scipy_erfinv = None

_t = to_array


def _float(x):
    x = _t(x)
    return x if kind(x.dtype) in "fc" else x.astype(to_numpy_dtype(None))


def top_k(x, k, sorted=True):
    x = _t(x)
    # Stable descending order: a stable ascending sort, reversed, keeps the last of equal
    # values first; flipping before the sort keeps the first (as torch on the CPU).
    order = np.argsort(np.flip(x, axis=-1), axis=-1, kind="stable")[..., ::-1]
    indices = (x.shape[-1] - 1 - order[..., :k]).astype(np.int32)
    return np.take_along_axis(x, indices, axis=-1), indices


def in_top_k(targets, predictions, k):
    targets, predictions = _t(targets).astype(np.int64), _t(predictions)
    target_scores = np.take_along_axis(predictions, targets[..., None], axis=-1)  # (B, 1)
    # A tie with the k-th score counts as inside the top k, as in TensorFlow.
    return np.asarray(np.sum(predictions > target_scores, axis=-1) < k)


@quiet
@bfloat16_via_float32
def logsumexp(x, axis=None, keepdims=False):
    x = _float(x)
    if isinstance(axis, list):
        axis = tuple(axis)
    peak = np.max(x, axis=axis, keepdims=True)
    peak = np.where(np.isfinite(peak), peak, 0)  # all -inf (or an inf) stays exact
    out = np.log(np.sum(np.exp(x - peak), axis=axis, keepdims=True)) + peak
    if not keepdims:
        out = np.squeeze(out, axis=tuple(range(x.ndim)) if axis is None else axis)
    return np.asarray(out, dtype=x.dtype)


def segment_sum(data, segment_ids, num_segments=None, sorted=False):
    data, segment_ids = _t(data), _t(segment_ids).astype(np.int64)
    num_segments = int(segment_ids.max()) + 1 if num_segments is None else num_segments
    out = np.zeros((num_segments, *data.shape[1:]), dtype=data.dtype)
    kept = (segment_ids >= 0) & (segment_ids < num_segments)  # Keras drops the other ids
    np.add.at(out, segment_ids[kept], data[kept])
    return out


# Numerical Recipes' erfc (Chebyshev fit; relative error below 1.2e-7 everywhere).
_ERFC_COEFFICIENTS = (
    -1.26551223, 1.00002368, 0.37409196, 0.09678418, -0.18628806,
    0.27886807, -1.13520398, 1.48851587, -0.82215223, 0.17087277,
)  # fmt: skip


def _erf_approximation(x: np.ndarray) -> np.ndarray:
    z = np.abs(x.astype(np.float64))
    t = 1.0 / (1.0 + 0.5 * z)
    polynomial = np.zeros_like(t)
    for coefficient in reversed(_ERFC_COEFFICIENTS[1:]):
        polynomial = (polynomial + coefficient) * t
    erfc = t * np.exp(-z * z + _ERFC_COEFFICIENTS[0] + polynomial)
    # Near 0, 1 - erfc loses the relative accuracy: the Taylor series is exact there.
    z2 = z * z
    series = z * (1 - z2 / 3 * (1 - z2 * 3 / 10 * (1 - z2 * 5 / 21 * (1 - z2 * 7 / 36))))
    small = 2 / np.sqrt(np.pi) * series
    magnitude = np.where(z < 0.1, small, 1.0 - erfc)
    return np.sign(x) * magnitude


@quiet
@bfloat16_via_float32
def erf(x):
    x = _float(x)
    if _scipy_erf is not None:
        return np.asarray(_scipy_erf(x), dtype=x.dtype)
    return np.asarray(_erf_approximation(x), dtype=x.dtype)


@quiet
@bfloat16_via_float32
def rsqrt(x):
    x = _float(x)
    return np.asarray(1 / np.sqrt(x), dtype=x.dtype)


def _erfinv_approximation(x: np.ndarray) -> np.ndarray:
    """Winitzki's closed form (about 2e-3 relative error), then Newton steps on erf."""
    x = x.astype(np.float64)
    log_term = np.log1p(-x * x)  # ln(1 - x^2)
    a = 0.147
    first = 2 / (np.pi * a) + log_term / 2
    y = np.sign(x) * np.sqrt(np.sqrt(first * first - log_term / a) - first)
    for _ in range(3):  # quadratic convergence: 2e-3, 4e-6, 1e-11
        slope = 2 / np.sqrt(np.pi) * np.exp(-y * y)
        step = (_erf_approximation(y) - x) / slope
        y = np.where(np.isfinite(y), y - step, y)  # x = +-1 stays +-inf
    return y


@quiet
@bfloat16_via_float32
def erfinv(x):
    x = _float(x)
    if _scipy_erfinv is not None:
        return np.asarray(_scipy_erfinv(x), dtype=x.dtype)
    return np.asarray(_erfinv_approximation(x), dtype=x.dtype)


def segment_max(data, segment_ids, num_segments=None, sorted=False):
    data, segment_ids = _t(data), _t(segment_ids).astype(np.int64)
    num_segments = int(segment_ids.max()) + 1 if num_segments is None else num_segments
    # An empty segment holds the lowest value (-inf for floats), as JAX's segment_max.
    empty = -np.inf if kind(data.dtype) == "f" else np.iinfo(data.dtype).min
    out = np.full((num_segments, *data.shape[1:]), empty, dtype=data.dtype)
    kept = (segment_ids >= 0) & (segment_ids < num_segments)  # Keras's -1 means "none"
    np.maximum.at(out, segment_ids[kept], data[kept])
    return out


def extract_sequences(x, sequence_length, sequence_stride):
    windows = np.lib.stride_tricks.sliding_window_view(_t(x), sequence_length, axis=-1)
    return np.ascontiguousarray(windows[..., ::sequence_stride, :])


def _complex(x):
    real, imag = (_float(part) for part in x)
    dtype = np.complex64 if real.dtype.itemsize <= 4 else np.complex128
    return (real + 1j * imag).astype(dtype), real.dtype


def _parts(out, dtype):
    return np.real(out).astype(dtype), np.imag(out).astype(dtype)


def fft(x):
    values, dtype = _complex(x)
    return _parts(np.fft.fft(values, axis=-1), dtype)


def fft2(x):
    values, dtype = _complex(x)
    return _parts(np.fft.fft2(values, axes=(-2, -1)), dtype)


def ifft2(x):
    values, dtype = _complex(x)
    return _parts(np.fft.ifft2(values, axes=(-2, -1)), dtype)


def rfft(x, fft_length=None):
    x = _float(x)
    return _parts(np.fft.rfft(x, n=fft_length, axis=-1), x.dtype)


def irfft(x, fft_length=None):
    values, dtype = _complex(x)
    return np.fft.irfft(values, n=fft_length, axis=-1).astype(dtype)


@quiet
def logdet(x):
    x = _float(x)
    sign, log_magnitude = np.linalg.slogdet(x)
    # torch.logdet's convention (Keras's default engine): nan for a negative determinant.
    return np.asarray(np.where(sign < 0, np.nan, log_magnitude), dtype=x.dtype)


def view_as_complex(x):
    x = _float(x)
    return _complex((x[..., 0], x[..., 1]))[0]


def view_as_real(x):
    x = _t(x)
    return np.stack([np.real(x), np.imag(x)], axis=-1)


@quiet
@bfloat16_via_float32
def erfc(x):
    x = _float(x)
    if _scipy_erfc is not None:
        return np.asarray(_scipy_erfc(x), dtype=x.dtype)
    # Numerical Recipes' fit is of erfc itself: keep its relative accuracy for large x.
    z = np.abs(x.astype(np.float64))
    t = 1.0 / (1.0 + 0.5 * z)
    polynomial = np.zeros_like(t)
    for coefficient in reversed(_ERFC_COEFFICIENTS[1:]):
        polynomial = (polynomial + coefficient) * t
    tail = t * np.exp(-z * z + _ERFC_COEFFICIENTS[0] + polynomial)
    return np.asarray(np.where(x < 0, 2.0 - tail, tail), dtype=x.dtype)


def _segment_reduce(data, segment_ids, num_segments, ufunc, empty):
    data, segment_ids = _t(data), _t(segment_ids).astype(np.int64)
    num_segments = int(segment_ids.max()) + 1 if num_segments is None else num_segments
    out = np.full((num_segments, *data.shape[1:]), empty, dtype=data.dtype)
    kept = (segment_ids >= 0) & (segment_ids < num_segments)  # Keras's -1 means "none"
    ufunc.at(out, segment_ids[kept], data[kept])
    return out


def segment_min(data, segment_ids, num_segments=None, sorted=False):
    data = _t(data)
    empty = np.inf if kind(data.dtype) == "f" else np.iinfo(data.dtype).max
    return _segment_reduce(data, segment_ids, num_segments, np.minimum, empty)


def segment_prod(data, segment_ids, num_segments=None, sorted=False):
    return _segment_reduce(data, segment_ids, num_segments, np.multiply, 1)
