"""The rest of the NumPy namespace on JAX: functions that need a native kernel.

Composites (nan-reductions, windows, stacking, ...) are written once in ``lamina.ops.numpy``;
only what cannot be composed from other ops lives here.
"""

from __future__ import annotations

import jax
import jax.numpy as jnp

from lamina.backend.common.argument_checks import check_correlate_mode
from lamina.backend.common.dtypes import result_type
from lamina.backend.common.integer_pairs import integer_pair_functions
from lamina.backend.jax.core import convert_to_tensor, dtype_name, to_jax_dtype
from lamina.backend.jax.numpy import _float, _pair

_t = convert_to_tensor


def _float_pair(x1, x2):
    """Two arrays in the dtype ``_pair`` settles, floatx where that is not a float."""
    x1, x2 = _pair(x1, x2)
    dtype = (x1 if isinstance(x1, jax.Array) else x2).dtype
    if not jnp.issubdtype(dtype, jnp.inexact):
        dtype = to_jax_dtype(None)
    return jnp.asarray(x1, dtype=dtype), jnp.asarray(x2, dtype=dtype)


def _int_pair(x1, x2):
    x1, x2 = _pair(x1, x2)
    if not isinstance(x1, jax.Array):
        x1 = jnp.asarray(x1, dtype=x2.dtype)
    if not isinstance(x2, jax.Array):
        x2 = jnp.asarray(x2, dtype=x1.dtype)
    return x1, x2


# ---- element-wise -------------------------------------------------------------------------


def arccos(x):
    return jnp.arccos(_float(x))


def arccosh(x):
    return jnp.arccosh(_float(x))


def arcsin(x):
    return jnp.arcsin(_float(x))


def arcsinh(x):
    return jnp.arcsinh(_float(x))


def arctanh(x):
    return jnp.arctanh(_float(x))


def arctan2(x1, x2):
    return jnp.arctan2(*_float_pair(x1, x2))


def trunc(x):
    x = _t(x)
    return jnp.trunc(x) if jnp.issubdtype(x.dtype, jnp.floating) else x


def signbit(x):
    return jnp.signbit(_t(x))


def i0(x):
    return jnp.i0(_float(x))


def nextafter(x1, x2):
    return jnp.nextafter(*_float_pair(x1, x2))


def fmod(x1, x2):
    x1, x2 = _int_pair(x1, x2)
    if x1.dtype == jnp.bool_:
        x1, x2 = x1.astype(jnp.int32), x2.astype(jnp.int32)
    return jnp.fmod(x1, x2)


gcd, lcm, bitwise_and, bitwise_or, bitwise_xor, left_shift, right_shift = integer_pair_functions(
    __name__, _int_pair, jnp
)


# ---- bitwise ------------------------------------------------------------------------------


def bitwise_invert(x):
    return jnp.invert(_t(x))


# ---- complex parts ------------------------------------------------------------------------


def real(x):
    return jnp.real(_t(x))


def imag(x):
    return jnp.imag(_t(x))


def conj(x):
    return jnp.conj(_t(x))


def angle(x):
    return jnp.angle(_float(x))


# ---- indexing, sorting, counting ----------------------------------------------------------


def roll(x, shift, axis=None):
    return jnp.roll(_t(x), shift, axis=axis)


def searchsorted(sorted_sequence, values, side="left"):
    sorted_sequence, values = _pair(sorted_sequence, values)
    return jnp.searchsorted(sorted_sequence, values, side=side).astype(jnp.int32)


def bincount(x, weights=None, minlength=0):
    x = _t(x)
    weights = None if weights is None else _t(weights)
    if x.ndim == 2:
        length = int(max(minlength, int(x.max()) + 1 if x.size else 0))
        rows = [
            bincount(row, None if weights is None else weights[i], length)
            for i, row in enumerate(x)
        ]
        return jnp.stack(rows)
    if weights is None:
        return jnp.bincount(x, minlength=minlength).astype(jnp.int32)
    dtype = to_jax_dtype(result_type(dtype_name(x), dtype_name(weights)))
    return jnp.bincount(x, weights, minlength=minlength).astype(dtype)


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
    """(values, first indices, inverse, counts); the op picks the ones asked for and pads.

    ``size`` goes to ``jnp.unique`` so that the call also works under ``jax.jit``.
    """
    x = _t(x)
    if axis is None:
        x, axis = jnp.ravel(x), 0
    values, first, inverse, counts = jnp.unique(
        x,
        return_index=True,
        return_inverse=True,
        return_counts=True,
        axis=axis,
        size=size,
        fill_value=0 if size is not None and fill_value is None else fill_value,
    )
    inverse = jnp.reshape(inverse, (-1,))
    return values, first.astype(jnp.int32), inverse.astype(jnp.int32), counts.astype(jnp.int32)


def _quantile(function, x, q, axis, method, keepdims):
    x = _float(x)
    compute_dtype = jnp.float32 if x.dtype in (jnp.float16, jnp.bfloat16) else x.dtype
    q = _t(q).astype(compute_dtype)
    axis = tuple(axis) if isinstance(axis, list) else axis
    out = function(x.astype(compute_dtype), q, axis=axis, method=method, keepdims=keepdims)
    return out.astype(x.dtype)


def quantile(x, q, axis=None, method="linear", keepdims=False):
    return _quantile(jnp.quantile, x, q, axis, method, keepdims)


def nanquantile(x, q, axis=None, method="linear", keepdims=False):
    return _quantile(jnp.nanquantile, x, q, axis, method, keepdims)


def view(x, dtype=None):
    x = _t(x)
    return x if dtype is None else x.view(to_jax_dtype(dtype))


def slogdet(x):
    sign, logabsdet = jnp.linalg.slogdet(_float(x))
    return sign, logabsdet


def correlate(x1, x2, mode="valid"):
    check_correlate_mode(mode)
    return jnp.correlate(*_float_pair(x1, x2), mode=mode)


def diagonal(x, offset=0, axis1=0, axis2=1):
    return jnp.diagonal(_t(x), offset=offset, axis1=axis1, axis2=axis2)


def vectorize(pyfunc, excluded=None, signature=None):
    return jnp.vectorize(pyfunc, excluded=excluded or frozenset(), signature=signature)
