"""Order statistics, weighted means, binning and counting."""

from __future__ import annotations

from lamina.backend import KerasTensor, engine, result_type
from lamina.ops.core import cast, convert_to_tensor, dtype, shape
from lamina.ops.dispatch import op
from lamina.ops.numpy.dtype_rules import float_dtype, op_with_spec, to_float
from lamina.ops.numpy.shape import diff, slice_along

_np = engine.numpy
_extra = engine.numpy_extra

_METHODS = ("linear", "lower", "higher", "midpoint", "nearest")


def _check_method(name: str, method: str) -> None:
    if method not in _METHODS:
        raise ValueError(f"{name}: method must be one of {_METHODS}; received {method!r}.")


def _quantile(x, q, axis=None, method="linear", keepdims=False):
    _check_method("quantile", method)
    return _extra.quantile(x, q, axis=axis, method=method, keepdims=keepdims)


def _nanquantile(x, q, axis=None, method="linear", keepdims=False):
    _check_method("nanquantile", method)
    return _extra.nanquantile(x, q, axis=axis, method=method, keepdims=keepdims)


def _hundredths(q):
    return _np.multiply(convert_to_tensor(q, dtype="float64"), 0.01)


def _percentile(x, q, axis=None, method="linear", keepdims=False):
    return _quantile(x, _hundredths(q), axis, method, keepdims)


def _nanpercentile(x, q, axis=None, method="linear", keepdims=False):
    return _nanquantile(x, _hundredths(q), axis, method, keepdims)


def _median(x, axis=None, keepdims=False):
    return _extra.quantile(x, 0.5, axis=axis, method="linear", keepdims=keepdims)


def _nanmedian(x, axis=None, keepdims=False):
    return _extra.nanquantile(x, 0.5, axis=axis, method="linear", keepdims=keepdims)


def _average(x, axis=None, weights=None):
    if weights is None:
        return _np.mean(to_float(x), axis=axis)
    target = float_dtype(x, weights)
    x, weights = cast(x, target), cast(weights, target)
    if axis is not None and len(shape(weights)) == 1 and len(shape(x)) > 1:
        view_shape = [1] * len(shape(x))
        view_shape[axis] = -1
        weights = _np.reshape(weights, view_shape)  # 1-D weights along `axis`
    weighted = _np.sum(_np.multiply(x, weights), axis=axis)
    return _np.divide(weighted, _np.sum(_np.multiply(_np.ones_like(x), weights), axis=axis))


def _ptp(x, axis=None, keepdims=False):
    return _np.subtract(_np.max(x, axis, keepdims), _np.min(x, axis, keepdims))


def _corrcoef(x):
    x = to_float(x)
    vector = len(shape(x)) == 1
    if vector:
        x = _np.expand_dims(x, 0)
    centred = _np.subtract(x, _np.mean(x, axis=1, keepdims=True))
    covariance = _np.matmul(centred, _np.transpose(centred))
    scale = _np.sqrt(_np.diag(covariance))
    correlation = _np.clip(
        _np.divide(covariance, _np.outer(scale, scale)), -1.0, 1.0
    )  # rounding can step past ±1
    return _np.reshape(correlation, ()) if vector else correlation


def _trapezoid(y, x=None, dx=1.0, axis=-1):
    y = to_float(y)
    heights = _np.divide(_np.add(slice_along(y, axis, 1), slice_along(y, axis, None, -1)), 2.0)
    widths = dx if x is None else cast(diff(x, axis=axis if len(shape(x)) > 1 else -1), dtype(y))
    if x is not None and len(shape(x)) == 1 and len(shape(y)) > 1:
        view_shape = [1] * len(shape(y))
        view_shape[axis] = -1
        widths = _np.reshape(widths, view_shape)
    return _np.sum(_np.multiply(heights, widths), axis=axis)


def _searchsorted(sorted_sequence, values, side="left"):
    if side not in ("left", "right"):
        raise ValueError(f"searchsorted: side must be 'left' or 'right'; received {side!r}.")
    if len(shape(sorted_sequence)) != 1:
        raise ValueError(
            f"searchsorted expects a 1-D sorted_sequence; received shape {shape(sorted_sequence)}."
        )
    return _extra.searchsorted(sorted_sequence, values, side=side)


def _digitize(x, bins):
    if len(shape(bins)) != 1:
        raise ValueError(f"digitize expects 1-D bins; received shape {shape(bins)}.")
    # For increasing bins, bins[i - 1] <= x < bins[i] gives i: a right-side search.
    return _extra.searchsorted(bins, x, side="right")


def _histogram(x, bins=10, range=None):
    if not isinstance(bins, int) or bins <= 0:
        raise ValueError(f"histogram: bins must be a positive integer; received {bins!r}.")
    x = _np.ravel(to_float(x))
    if range is None:
        low, high = _np.min(x), _np.max(x)
    else:
        low, high = (convert_to_tensor(v, dtype=dtype(x)) for v in range)
    # An empty range widens by 0.5 each way, as NumPy's does.
    is_flat = _np.equal(low, high)
    low = _np.where(is_flat, _np.subtract(low, 0.5), low)
    high = _np.where(is_flat, _np.add(high, 0.5), high)
    steps = _np.divide(_np.arange(bins + 1, dtype=dtype(x)), float(bins))
    edges = _np.add(low, _np.multiply(_np.subtract(high, low), steps))
    # Bin i holds edges[i] <= x < edges[i + 1]; the last bin also holds x == high.
    index = _np.subtract(_extra.searchsorted(edges, x, side="right"), 1)
    index = _np.where(_np.equal(x, high), bins - 1, index)
    inside = _np.logical_and(_np.greater_equal(x, low), _np.less_equal(x, high))
    hits = _np.logical_and(
        _np.equal(_np.expand_dims(index, -1), _np.arange(bins)), _np.expand_dims(inside, -1)
    )
    counts = _np.sum(cast(hits, dtype(x)), axis=0)
    return counts, edges


def _bincount(x, weights=None, minlength=0, sparse=False):
    if sparse:
        raise ValueError("bincount: sparse=True is not supported; received sparse=True.")
    if len(shape(x)) not in (1, 2):
        raise ValueError(f"bincount expects a 1-D or 2-D x; received shape {shape(x)}.")
    return _extra.bincount(x, weights=weights, minlength=minlength)


def _bincount_spec(x, weights=None, minlength=0, sparse=False):
    if sparse:
        raise ValueError("bincount: sparse=True is not supported; received sparse=True.")
    out_dtype = "int32" if weights is None else result_type(dtype(x), dtype(weights))
    return KerasTensor((*shape(x)[:-1], None), dtype=out_dtype)


quantile = op(_quantile, name="quantile", doc="The q-th quantiles (q in [0, 1]) over ``axis``.")
nanquantile = op(_nanquantile, name="nanquantile", doc="quantile with NaNs skipped.")
percentile = op(_percentile, name="percentile", doc="The q-th percentiles (q in [0, 100]).")
nanpercentile = op(_nanpercentile, name="nanpercentile", doc="percentile with NaNs skipped.")
median = op(_median, name="median", doc="The median over ``axis``; ints give floatx.")
nanmedian = op(_nanmedian, name="nanmedian", doc="The median over ``axis``, NaNs skipped.")
average = op(_average, name="average", doc="The (weighted) mean over ``axis``.")
ptp = op(_ptp, name="ptp", doc="Peak to peak: max - min over ``axis``.")
corrcoef = op(_corrcoef, name="corrcoef", doc="Pearson correlation of the rows of ``x``.")
trapezoid = op(_trapezoid, name="trapezoid", doc="Integral of y by the trapezoidal rule.")
searchsorted = op(
    _searchsorted,
    name="searchsorted",
    doc="Indices (int32) where ``values`` would be inserted to keep order.",
)
digitize = op(_digitize, name="digitize", doc="Index (int32) of the bin of each x.")
histogram = op(
    _histogram, name="histogram", doc="(counts, edges) of ``bins`` equal-width bins over ``range``."
)
bincount = op_with_spec(_bincount, _bincount_spec, name="bincount")
bincount.__doc__ = "Occurrences (or summed weights) of each non-negative int in ``x``."
