"""Ops that create tensors."""

from __future__ import annotations

from lamina.backend import engine, floatx, result_type, standardize_dtype
from lamina.ops.core import cast, convert_to_tensor, dtype, shape
from lamina.ops.dispatch import op

_np = engine.numpy

zeros = op(_np.zeros)
ones = op(_np.ones)
full = op(_np.full)
zeros_like = op(_np.zeros_like)
ones_like = op(_np.ones_like)
full_like = op(_np.full_like)
arange = op(_np.arange)
linspace = op(_np.linspace)
eye = op(_np.eye)
identity = op(_np.identity)


def _array(x, dtype=None):
    return convert_to_tensor(x, dtype=dtype)


def _tri(N, M=None, k=0, dtype=None):
    M = N if M is None else M
    rows = _np.expand_dims(_np.arange(N), -1)
    columns = _np.arange(M)
    # T[i, j] = 1 where j <= i + k
    return cast(_np.less_equal(columns, _np.add(rows, k)), dtype or floatx())


def _spaced(start, stop, num, endpoint, axis):
    """``num`` evenly spaced values from start to stop (tensors broadcast), on a new axis."""
    start, stop = convert_to_tensor(start), convert_to_tensor(stop)
    target = result_type(dtype(start), dtype(stop), float)
    start, stop = cast(start, "float64"), cast(stop, "float64")
    divisor = max(num - 1, 1) if endpoint else max(num, 1)
    steps = _np.divide(_np.arange(num, dtype="float64"), float(divisor))
    ndim = max(len(shape(start)), len(shape(stop)))
    steps = _np.reshape(steps, (num,) + (1,) * ndim)
    values = _np.add(start, _np.multiply(_np.subtract(stop, start), steps))
    return _np.moveaxis(values, 0, axis), target


def _logspace(start, stop, num=50, endpoint=True, base=10, dtype=None, axis=0):
    exponents, target = _spaced(start, stop, num, endpoint, axis)
    out = _np.power(_np.full((), float(base), dtype="float64"), exponents)
    return cast(out, standardize_dtype(dtype) if dtype else target)


def _geomspace(start, stop, num=50, endpoint=True, dtype=None, axis=0):
    start, stop = convert_to_tensor(start), convert_to_tensor(stop)
    target = result_type(dtype_of(start), dtype_of(stop), float)
    start, stop = cast(start, "float64"), cast(stop, "float64")
    # Both ends share a sign (NumPy's rule); the spacing is geometric in their magnitudes.
    sign = _np.sign(start)
    logs, _ = _spaced(_np.log(_np.absolute(start)), _np.log(_np.absolute(stop)), num,
                      endpoint, axis)  # fmt: skip
    if len(shape(sign)):
        sign = _np.expand_dims(sign, axis)
    return cast(_np.multiply(sign, _np.exp(logs)), standardize_dtype(dtype) if dtype else target)


dtype_of = dtype

array = op(_array, name="array", doc="A tensor holding ``x``, of ``dtype`` when given.")
empty = op(_np.zeros, name="empty", doc="A tensor of ``shape`` with unspecified values.")
empty_like = op(_np.zeros_like, name="empty_like", doc="An unspecified-valued tensor like ``x``.")
tri = op(_tri, name="tri", doc="N x M ones at and below the k-th diagonal, zeros above.")
logspace = op(_logspace, name="logspace", doc="base ** linspace(start, stop): log-spaced values.")
geomspace = op(_geomspace, name="geomspace", doc="Geometrically spaced values from start to stop.")
