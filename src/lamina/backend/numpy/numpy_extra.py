"""The rest of the NumPy namespace on NumPy arrays: functions that need a native kernel.

Composites (nan-reductions, windows, stacking, ...) are written once in ``lamina.ops.numpy``;
only what cannot be composed from other ops lives here. Results follow the torch engine's
dtype rules, as in ``numpy.py``.
"""

from __future__ import annotations

import numpy as np

from lamina.backend.common.argument_checks import check_correlate_mode
from lamina.backend.common.dtypes import result_type
from lamina.backend.common.integer_pairs import integer_pair_functions
from lamina.backend.numpy.core import dtype_name, kind, quiet, to_array, to_numpy_dtype
from lamina.backend.numpy.numpy import _float, _out, _pair

_t = to_array
_INT32 = np.dtype("int32")


def _float_pair(x1, x2):
    """Two arrays in the dtype ``_pair`` settles, floatx where that is not a float."""
    x1, x2 = _pair(x1, x2)
    dtype = (x1 if isinstance(x1, np.ndarray) else x2).dtype
    if kind(dtype) not in "fc":
        dtype = to_numpy_dtype(None)
    return np.asarray(x1, dtype=dtype), np.asarray(x2, dtype=dtype)


def _int_pair(x1, x2):
    x1, x2 = _pair(x1, x2)
    if not isinstance(x1, np.ndarray):
        x1 = np.asarray(x1, dtype=x2.dtype)
    if not isinstance(x2, np.ndarray):
        x2 = np.asarray(x2, dtype=x1.dtype)
    return x1, x2


def _unary(function):
    @quiet
    def apply(x):
        return _out(function(_float(x)))

    apply.__name__ = function.__name__
    return apply


# ---- element-wise -------------------------------------------------------------------------

arccos = _unary(np.arccos)
arccosh = _unary(np.arccosh)
arcsin = _unary(np.arcsin)
arcsinh = _unary(np.arcsinh)
arctanh = _unary(np.arctanh)


@quiet
def arctan2(x1, x2):
    return _out(np.arctan2(*_float_pair(x1, x2)))


def trunc(x):
    x = _t(x)
    return _out(np.trunc(x)) if kind(x.dtype) == "f" else x


def signbit(x):
    return _out(np.signbit(_t(x)))


def i0(x):
    x = _float(x)
    return _out(np.i0(x).astype(x.dtype))


def nextafter(x1, x2):
    return _out(np.nextafter(*_float_pair(x1, x2)))


@quiet
def fmod(x1, x2):
    x1, x2 = _int_pair(x1, x2)
    if x1.dtype == bool:
        x1, x2 = x1.astype(_INT32), x2.astype(_INT32)
    return _out(np.fmod(x1, x2))


gcd, lcm, bitwise_and, bitwise_or, bitwise_xor, left_shift, right_shift = integer_pair_functions(
    __name__, _int_pair, np, _out
)


# ---- bitwise ------------------------------------------------------------------------------


def bitwise_invert(x):
    return _out(np.invert(_t(x)))


# ---- complex parts ------------------------------------------------------------------------


def real(x):
    return _out(np.real(_t(x)))


def imag(x):
    return _out(np.imag(_t(x)))


def conj(x):
    return _out(np.conj(_t(x)))


def angle(x):
    x = _float(x)
    return _out(np.angle(x).astype(x.real.dtype))


# ---- indexing, sorting, counting ----------------------------------------------------------


def roll(x, shift, axis=None):
    return np.roll(_t(x), shift, axis=axis)


def searchsorted(sorted_sequence, values, side="left"):
    sorted_sequence, values = _pair(sorted_sequence, values)
    return _out(np.searchsorted(sorted_sequence, values, side=side)).astype(_INT32)


def bincount(x, weights=None, minlength=0):
    x = _t(x)
    weights = None if weights is None else _t(weights)
    if x.ndim == 2:
        length = int(max(minlength, int(x.max()) + 1 if x.size else 0))
        rows = [
            bincount(row, None if weights is None else weights[i], length)
            for i, row in enumerate(x)
        ]
        return np.stack(rows)
    if weights is None:
        return np.bincount(x, minlength=minlength).astype(_INT32)
    dtype = to_numpy_dtype(result_type(dtype_name(x), dtype_name(weights)))
    return np.bincount(x, weights, minlength=minlength).astype(dtype)


def unique(
    x,
    sorted=True,
    return_index=False,
    return_inverse=False,
    return_counts=False,
    axis=None,
    size=None,
    fill_value=None,
):
    """(values, first indices, inverse, counts); the op picks the ones asked for and pads."""
    x = _t(x)
    if axis is None:
        x, axis = x.ravel(), 0
    values, first, inverse, counts = np.unique(
        x, return_index=True, return_inverse=True, return_counts=True, axis=axis
    )
    inverse = inverse.reshape(-1)
    return values, first.astype(_INT32), inverse.astype(_INT32), counts.astype(_INT32)


def _quantile(function, x, q, axis, method, keepdims):
    x = _float(x)
    compute_dtype = np.float32 if x.dtype.itemsize < 4 else x.dtype
    axis = tuple(axis) if isinstance(axis, list) else axis
    with np.errstate(all="ignore"):
        out = function(x.astype(compute_dtype), _t(q), axis=axis, method=method, keepdims=keepdims)
    return _out(out).astype(x.dtype)


def quantile(x, q, axis=None, method="linear", keepdims=False):
    return _quantile(np.quantile, x, q, axis, method, keepdims)


def nanquantile(x, q, axis=None, method="linear", keepdims=False):
    return _quantile(np.nanquantile, x, q, axis, method, keepdims)


def view(x, dtype=None):
    x = _t(x)
    return x if dtype is None else x.view(to_numpy_dtype(dtype))


def slogdet(x):
    x = _float(x)
    sign, logabsdet = np.linalg.slogdet(x)
    return _out(sign).astype(x.dtype), _out(logabsdet).astype(x.dtype)


def correlate(x1, x2, mode="valid"):
    check_correlate_mode(mode)
    return _out(np.correlate(*_float_pair(x1, x2), mode=mode))


def diagonal(x, offset=0, axis1=0, axis2=1):
    return np.diagonal(_t(x), offset=offset, axis1=axis1, axis2=axis2).copy()


def vectorize(pyfunc, excluded=None, signature=None):
    function = np.vectorize(pyfunc, excluded=excluded, signature=signature)

    def vectorized(*args, **kwargs):
        out = function(*args, **kwargs)
        if isinstance(out, tuple):
            return tuple(np.asarray(o) for o in out)
        return np.asarray(out)

    return vectorized
