"""Reductions that skip NaNs: NaNs are replaced by the reduction's identity first.

An all-NaN slice gives NaN for nanmax, nanmin, nanmean, nanvar and nanstd (as NumPy, which
also warns) and 0 for nanargmax and nanargmin. On integer and bool tensors, which hold no
NaN, each is its plain reduction.
"""

from __future__ import annotations

import math

from lamina.backend import engine, is_float_dtype
from lamina.ops.core import cast, dtype
from lamina.ops.dispatch import op
from lamina.ops.numpy.dtype_rules import to_float
from lamina.ops.numpy.elementwise import (
    divide,
    isnan,
    logical_not,
    sqrt,
    square,
    subtract,
    where,
)

_np = engine.numpy


def _has_nans(x) -> bool:
    return is_float_dtype(dtype(x))


def _filled(x, value):
    return where(isnan(x), value, x) if _has_nans(x) else x


def _nansum(x, axis=None, keepdims=False):
    return _np.sum(_filled(x, 0.0), axis=axis, keepdims=keepdims)


def _nanprod(x, axis=None, keepdims=False):
    return _np.prod(_filled(x, 1.0), axis=axis, keepdims=keepdims)


def _all_nan(x, axis, keepdims):
    return _np.all(isnan(x), axis=axis, keepdims=keepdims)


def _extreme(reduce, fill):
    def apply(x, axis=None, keepdims=False):
        if not _has_nans(x):
            return reduce(x, axis=axis, keepdims=keepdims)
        out = reduce(_filled(x, fill), axis=axis, keepdims=keepdims)
        return where(_all_nan(x, axis, keepdims), math.nan, out)

    return apply


def _arg_extreme(reduce, fill):
    def apply(x, axis=None, keepdims=False):
        return reduce(_filled(x, fill), axis=axis, keepdims=keepdims)

    return apply


def _count(x, axis, keepdims):
    return _np.sum(cast(logical_not(isnan(x)), dtype(x)), axis=axis, keepdims=keepdims)


def _nanmean(x, axis=None, keepdims=False):
    x = to_float(x)
    return divide(_nansum(x, axis, keepdims), _count(x, axis, keepdims))


def _nanvar(x, axis=None, keepdims=False):
    x = to_float(x)
    # The holes are filled before squaring: a NaN squared would make the gradient NaN.
    deviations = _filled(subtract(x, _nanmean(x, axis, keepdims=True)), 0.0)
    squares = _np.sum(square(deviations), axis=axis, keepdims=keepdims)
    return divide(squares, _count(x, axis, keepdims))


def _nanstd(x, axis=None, keepdims=False):
    return sqrt(_nanvar(x, axis, keepdims))


def _nancumsum(x, axis=None, dtype=None):
    return _np.cumsum(_filled(x, 0.0), axis=axis, dtype=dtype)


def _nancumprod(x, axis=None, dtype=None):
    return _np.cumprod(_filled(x, 1.0), axis=axis, dtype=dtype)


nansum = op(_nansum, name="nansum", doc="Sum over ``axis``, NaNs counted as 0.")
nanprod = op(_nanprod, name="nanprod", doc="Product over ``axis``, NaNs counted as 1.")
nanmax = op(_extreme(_np.max, -math.inf), name="nanmax", doc="Maximum over ``axis``, NaNs skipped.")
nanmin = op(_extreme(_np.min, math.inf), name="nanmin", doc="Minimum over ``axis``, NaNs skipped.")
nanargmax = op(
    _arg_extreme(_np.argmax, -math.inf),
    name="nanargmax",
    doc="Index (int32) of the maximum along ``axis``, NaNs skipped.",
)
nanargmin = op(
    _arg_extreme(_np.argmin, math.inf),
    name="nanargmin",
    doc="Index (int32) of the minimum along ``axis``, NaNs skipped.",
)
nanmean = op(_nanmean, name="nanmean", doc="Mean over ``axis`` of the non-NaN values.")
nanvar = op(_nanvar, name="nanvar", doc="Population variance over ``axis``, NaNs skipped.")
nanstd = op(_nanstd, name="nanstd", doc="Population standard deviation, NaNs skipped.")
nancumsum = op(_nancumsum, name="nancumsum", doc="Cumulative sum, NaNs counted as 0.")
nancumprod = op(_nancumprod, name="nancumprod", doc="Cumulative product, NaNs counted as 1.")
