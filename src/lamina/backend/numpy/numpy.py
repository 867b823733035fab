"""NumPy-like functions on NumPy arrays, with the torch engine's dtype rules.

NumPy promotes differently from the other engines in a few places (int32 with float32 gives
float64), so binary functions cast their operands first (``_pair``) to the dtype
``backend/common/promotion.binary_dtype`` gives, the rule every engine shares. Results are
always arrays, never NumPy scalars.
"""

from __future__ import annotations

import builtins

import numpy as np

from lamina.backend.common import numpy_like
from lamina.backend.common.argument_checks import check_pad_mode
from lamina.backend.common.dtypes import result_type
from lamina.backend.common.promotion import binary_dtype, operand_key, scalar_key
from lamina.backend.common.variables import KerasVariable
from lamina.backend.numpy.core import (
    as_dtype,
    bfloat16_via_float32,
    convert_to_tensor,
    dtype_name,
    global_floatx,
    kind,
    quiet,
    to_array,
    to_numpy_dtype,
)

_t = to_array
_out = np.asarray  # ufuncs on 0-d arrays return NumPy scalars; the engine returns arrays
_INT32 = np.dtype("int32")


def _is_python_scalar(x) -> bool:
    # np.float64 subclasses float, so it is weak here as on the torch engine.
    return isinstance(x, (bool, int, float))


def _pair(x1, x2):
    """Two operands in the dtype ``promotion.binary_dtype`` gives; a Python scalar stays a
    scalar (NumPy keeps it weak)."""
    if isinstance(x1, KerasVariable):
        x1 = x1.value
    if isinstance(x2, KerasVariable):
        x2 = x2.value
    if _is_python_scalar(x2) and not _is_python_scalar(x1):
        x1 = _with_scalar(_t(x1), x2)
        return x1, _scalar_for(x1, x2)
    if _is_python_scalar(x1) and not _is_python_scalar(x2):
        x2 = _with_scalar(_t(x2), x1)
        return _scalar_for(x2, x1), x2
    x1, x2 = _t(x1), _t(x2)
    if x1.dtype == x2.dtype:
        return x1, x2
    dtype = to_numpy_dtype(
        binary_dtype(operand_key(dtype_name(x1), x1.ndim), operand_key(dtype_name(x2), x2.ndim))
    )
    return as_dtype(x1, dtype), as_dtype(x2, dtype)


def _with_scalar(array: np.ndarray, scalar) -> np.ndarray:
    """``array`` in the dtype it computes in against the Python ``scalar``."""
    if kind(array.dtype) in "fc":
        return array  # no Python scalar outranks a float array
    dtype = binary_dtype(operand_key(dtype_name(array), array.ndim), scalar_key(scalar))
    return as_dtype(array, to_numpy_dtype(dtype))


def _scalar_for(array: np.ndarray, scalar):
    """The scalar as NumPy must see it to keep ``array``'s dtype."""
    if array.dtype.kind == "V":
        # bfloat16 (ml_dtypes): NumPy would promote it with any Python scalar to float32.
        return np.asarray(scalar, dtype=array.dtype)
    if isinstance(scalar, bool):
        return scalar if array.dtype == bool else int(scalar)
    if isinstance(scalar, float):
        return float(scalar)  # a plain float: NumPy treats np.float64 as strong
    return scalar


def _int32_if_both_bool(x1, x2):
    """power / floor_divide / mod on two bools count in int32, as Keras."""
    if _is_bool(x1) and _is_bool(x2):
        return _as_int32(x1), _as_int32(x2)
    return x1, x2


def _as_int32(x):
    return x.astype(np.int32) if isinstance(x, np.ndarray) else int(x)


def _float(x):
    """``x`` as an array whose integer or bool dtype became floatx (torch's rule)."""
    x = _t(x)
    return x if kind(x.dtype) in "fc" else as_dtype(x, to_numpy_dtype(global_floatx()))


def _axes(axis):
    if isinstance(axis, list):
        return tuple(axis)
    return axis


# ---- element-wise arithmetic --------------------------------------------------------------


@quiet
def add(x1, x2):
    return _out(np.add(*_pair(x1, x2)))


@quiet
def subtract(x1, x2):
    x1, x2 = _pair(x1, x2)
    if _is_bool(x1) and _is_bool(x2):
        raise TypeError("subtract: two bool tensors cannot be subtracted; use logical_xor.")
    return _out(np.subtract(x1, x2))


def _is_bool(x) -> bool:
    return isinstance(x, bool) or (isinstance(x, np.ndarray) and x.dtype == bool)


@quiet
def multiply(x1, x2):
    return _out(np.multiply(*_pair(x1, x2)))


@quiet
def divide(x1, x2):
    x1, x2 = _pair(x1, x2)
    out = np.true_divide(x1, x2)
    reference = x1 if isinstance(x1, np.ndarray) else x2
    if kind(reference.dtype) not in "fc":
        return as_dtype(_out(out), to_numpy_dtype(global_floatx()))  # ints give floatx
    return _out(out).astype(reference.dtype, copy=False)


true_divide = divide


@quiet
def divide_no_nan(x1, x2):
    out = divide(x1, x2)
    x2 = _t(x2)
    return _out(np.where(x2 == 0, np.zeros((), dtype=out.dtype), out))


@quiet
def floor_divide(x1, x2):
    return _out(np.floor_divide(*_int32_if_both_bool(*_pair(x1, x2))))


@quiet
def mod(x1, x2):
    # The sign of the divisor, as torch.remainder.
    return _out(np.mod(*_int32_if_both_bool(*_pair(x1, x2))))


@quiet
def power(x1, x2):
    x1, x2 = _int32_if_both_bool(*_pair(x1, x2))
    base = x1 if isinstance(x1, np.ndarray) else x2
    if base.dtype.kind in "iu" and np.any(np.asarray(x2) < 0):
        # NumPy refuses negative integer powers of integers; torch truncates (1 / 2 -> 0).
        return as_dtype(_out(np.trunc(np.power(np.asarray(x1, np.float64), x2))), base.dtype)
    return _out(np.power(x1, x2))


def negative(x):
    x = _t(x)
    if x.dtype == bool:
        raise TypeError("negative: a bool tensor cannot be negated; use logical_not.")
    return _out(np.negative(x))


def absolute(x):
    return _out(np.abs(_t(x)))


abs = absolute


def sign(x):
    x = _t(x)
    if x.dtype == bool:
        return x
    return _out(np.sign(x))


@quiet
def sqrt(x):
    return _out(np.sqrt(_float(x)))


@quiet
def square(x):
    x = _t(x)
    if x.dtype == bool:
        x = x.astype(np.int64)  # as torch
    return _out(np.square(x))


@quiet
def exp(x):
    return _out(np.exp(_float(x)))


@quiet
def expm1(x):
    return _out(np.expm1(_float(x)))


@quiet
def log(x):
    return _out(np.log(_float(x)))


@quiet
def log1p(x):
    return _out(np.log1p(_float(x)))


@quiet
def log2(x):
    return _out(np.log2(_float(x)))


@quiet
def log10(x):
    return _out(np.log10(_float(x)))


@quiet
def logaddexp(x1, x2):
    x1, x2 = _pair(_float(x1), _float(x2))
    return _out(np.logaddexp(x1, x2))


@quiet
def reciprocal(x):
    return _out(np.reciprocal(_float(x)))


@quiet
def sin(x):
    return _out(np.sin(_float(x)))


@quiet
def cos(x):
    return _out(np.cos(_float(x)))


@quiet
def tan(x):
    return _out(np.tan(_float(x)))


@quiet
def arctan(x):
    return _out(np.arctan(_float(x)))


@quiet
def sinh(x):
    return _out(np.sinh(_float(x)))


@quiet
def cosh(x):
    return _out(np.cosh(_float(x)))


@quiet
def tanh(x):
    return _out(np.tanh(_float(x)))


def floor(x):
    x = _t(x)
    return x if x.dtype.kind in "biu" else _out(np.floor(x))


def ceil(x):
    x = _t(x)
    return x if x.dtype.kind in "biu" else _out(np.ceil(x))


@quiet
def round(x, decimals=0):
    x = _t(x)
    if x.dtype.kind in "biu":
        if decimals >= 0:
            return x  # integers are already rounded
        factor = 10 ** (-decimals)
        return as_dtype(_out(np.round(x.astype(np.float64) / factor) * factor), x.dtype)
    return _out(np.round(x, decimals=decimals))  # half to even, as torch


def clip(x, x_min, x_max):
    x = _t(x)
    if x.dtype == bool:
        x = x.astype(np.int32)
    if x.dtype.kind in "iu":
        # A bound outside the integer dtype's range clips nothing (NumPy would refuse it).
        info = np.iinfo(x.dtype)
        x_min = _clamped_bound(x_min, info)
        x_max = _clamped_bound(x_max, info)
    if x_min is not None:
        x = maximum(x, x_min)
    if x_max is not None:
        x = minimum(x, x_max)
    return x


def _clamped_bound(bound, info):
    if isinstance(bound, int) and not isinstance(bound, bool):
        return builtins.min(builtins.max(bound, builtins.int(info.min)), builtins.int(info.max))
    return bound


@quiet
def maximum(x1, x2):
    return _out(np.maximum(*_pair(x1, x2)))


@quiet
def minimum(x1, x2):
    return _out(np.minimum(*_pair(x1, x2)))


def where(condition, x1=None, x2=None):
    condition = _t(condition).astype(bool, copy=False)
    if x1 is None and x2 is None:
        return tuple(index.astype(np.int64) for index in np.nonzero(condition))
    x1, x2 = _pair(x1, x2)
    out = np.where(condition, x1, x2)
    reference = x1 if isinstance(x1, np.ndarray) else x2
    if isinstance(reference, np.ndarray):
        out = out.astype(reference.dtype, copy=False)
    return _out(out)


# ---- comparison and logic -----------------------------------------------------------------


def equal(x1, x2):
    return _out(np.equal(*_pair(x1, x2)))


def not_equal(x1, x2):
    return _out(np.not_equal(*_pair(x1, x2)))


def less(x1, x2):
    return _out(np.less(*_pair(x1, x2)))


def less_equal(x1, x2):
    return _out(np.less_equal(*_pair(x1, x2)))


def greater(x1, x2):
    return _out(np.greater(*_pair(x1, x2)))


def greater_equal(x1, x2):
    return _out(np.greater_equal(*_pair(x1, x2)))


def logical_and(x1, x2):
    return _out(np.logical_and(_t(x1), _t(x2)))


def logical_or(x1, x2):
    return _out(np.logical_or(_t(x1), _t(x2)))


def logical_not(x):
    return _out(np.logical_not(_t(x)))


def isnan(x):
    return _out(np.isnan(_t(x)))


def isinf(x):
    return _out(np.isinf(_t(x)))


def isfinite(x):
    return _out(np.isfinite(_t(x)))


# ---- linear algebra-ish -------------------------------------------------------------------


def _same_dtype(*arrays):
    arrays = [_t(x) for x in arrays]
    dtype = arrays[0].dtype
    for array in arrays[1:]:
        if array.dtype != dtype:
            dtype = to_numpy_dtype(result_type(dtype.name, dtype_name(array)))
    return [as_dtype(array, dtype) for array in arrays]


@quiet
@bfloat16_via_float32
def matmul(x1, x2):
    x1, x2 = _same_dtype(x1, x2)
    if x1.ndim > 2 and x2.ndim == 2:
        # One BLAS call: NumPy's stacked matmul is ~10x slower for (..., k) @ (k, n).
        flat = np.matmul(x1.reshape(-1, x1.shape[-1]), x2)
        return _out(flat.reshape(x1.shape[:-1] + (x2.shape[-1],)))
    return _out(np.matmul(x1, x2))


def dot(x1, x2):
    x1, x2 = _t(x1), _t(x2)
    if x1.ndim == 0 or x2.ndim == 0:
        return multiply(x1, x2)
    return matmul(x1, x2)


@quiet
@bfloat16_via_float32
def tensordot(x1, x2, axes=2):
    return _out(np.tensordot(*_same_dtype(x1, x2), axes=axes))


@quiet
@bfloat16_via_float32
def einsum(subscripts, *operands):
    operands = _same_dtype(*operands)
    # The optimised path hands pairwise contractions to BLAS; the plain loop is far slower.
    return _out(np.einsum(subscripts, *operands, optimize=len(operands) > 1))


@quiet
@bfloat16_via_float32
def outer(x1, x2):
    x1, x2 = _same_dtype(x1, x2)
    return _out(np.outer(x1.ravel(), x2.ravel()))


# ---- reductions ---------------------------------------------------------------------------


def _accumulator_dtype(x: np.ndarray) -> np.dtype:
    """Keras keeps an integer sum in its input dtype; bool and narrow ints give int32."""
    if x.dtype.kind == "b" or (x.dtype.kind in "iu" and x.dtype.itemsize < 4):
        return _INT32
    return x.dtype


@quiet
def sum(x, axis=None, keepdims=False):
    x = _t(x)
    dtype = _accumulator_dtype(x)
    if dtype == np.float16 or kind(dtype) != dtype.kind:
        # float16 and bfloat16 accumulate in float32, as torch does
        return _out(np.sum(x, axis=_axes(axis), keepdims=keepdims, dtype=np.float32)).astype(dtype)
    return _out(np.sum(x, axis=_axes(axis), keepdims=keepdims, dtype=dtype))


@quiet
@bfloat16_via_float32
def mean(x, axis=None, keepdims=False):
    x = _float(x)
    return _out(np.mean(x, axis=_axes(axis), keepdims=keepdims)).astype(x.dtype, copy=False)


@quiet
@bfloat16_via_float32
def prod(x, axis=None, keepdims=False, dtype=None):
    x = _t(x)
    dtype = _accumulator_dtype(x) if dtype is None else to_numpy_dtype(dtype)
    return _out(np.prod(x, axis=_axes(axis), keepdims=keepdims, dtype=dtype))


def max(x, axis=None, keepdims=False, initial=None):
    out = _out(np.max(_t(x), axis=_axes(axis), keepdims=keepdims))
    return out if initial is None else maximum(out, initial)


def min(x, axis=None, keepdims=False, initial=None):
    out = _out(np.min(_t(x), axis=_axes(axis), keepdims=keepdims))
    return out if initial is None else minimum(out, initial)


amax = max
amin = min


@quiet
@bfloat16_via_float32
def var(x, axis=None, keepdims=False):
    x = _float(x)
    return _out(np.var(x, axis=_axes(axis), keepdims=keepdims)).astype(x.dtype, copy=False)


@quiet
@bfloat16_via_float32
def std(x, axis=None, keepdims=False):
    x = _float(x)
    return _out(np.std(x, axis=_axes(axis), keepdims=keepdims)).astype(x.dtype, copy=False)


def argmax(x, axis=None, keepdims=False):
    x = _t(x)
    if axis is None:
        return _out(np.argmax(x.ravel())).astype(np.int32)
    return _out(np.argmax(x, axis=axis, keepdims=keepdims)).astype(np.int32)


def argmin(x, axis=None, keepdims=False):
    x = _t(x)
    if axis is None:
        return _out(np.argmin(x.ravel())).astype(np.int32)
    return _out(np.argmin(x, axis=axis, keepdims=keepdims)).astype(np.int32)


def argsort(x, axis=-1):
    x = _t(x)
    if axis is None:
        x, axis = x.ravel(), 0
    return np.argsort(x, axis=axis, kind="stable").astype(np.int32)


def sort(x, axis=-1):
    x = _t(x)
    if axis is None:
        x, axis = x.ravel(), 0
    return np.sort(x, axis=axis, kind="stable")


@quiet
def cumsum(x, axis=None, dtype=None):
    x = _t(x)
    if axis is None:
        x, axis = x.ravel(), 0
    dtype = _accumulator_dtype(x) if dtype is None else to_numpy_dtype(dtype)
    if kind(dtype) != dtype.kind:  # bfloat16 accumulates in float32, as torch does
        return np.cumsum(x, axis=axis, dtype=np.float32).astype(dtype)
    return np.cumsum(x, axis=axis, dtype=dtype)


@quiet
def cumprod(x, axis=None, dtype=None):
    x = _t(x)
    if axis is None:
        x, axis = x.ravel(), 0
    dtype = _accumulator_dtype(x) if dtype is None else to_numpy_dtype(dtype)
    if kind(dtype) != dtype.kind:  # bfloat16 accumulates in float32, as torch does
        return np.cumprod(x, axis=axis, dtype=np.float32).astype(dtype)
    return np.cumprod(x, axis=axis, dtype=dtype)


def any(x, axis=None, keepdims=False):
    return _out(np.any(_t(x), axis=_axes(axis), keepdims=keepdims))


def all(x, axis=None, keepdims=False):
    return _out(np.all(_t(x), axis=_axes(axis), keepdims=keepdims))


def count_nonzero(x, axis=None):
    return _out(np.count_nonzero(_t(x), axis=_axes(axis))).astype(np.int32)


# ---- shapes -------------------------------------------------------------------------------


def reshape(x, newshape):
    return numpy_like.reshape(np, _t(x), newshape)


def transpose(x, axes=None):
    return np.transpose(_t(x), axes=None if axes is None else tuple(axes))


def swapaxes(x, axis1, axis2):
    return np.swapaxes(_t(x), axis1, axis2)


def moveaxis(x, source, destination):
    return np.moveaxis(_t(x), _axes(source), _axes(destination))


def expand_dims(x, axis):
    return np.expand_dims(_t(x), _axes(axis))


def squeeze(x, axis=None):
    x = _t(x)
    if axis is None:
        return np.squeeze(x)
    axes = tuple(axis) if isinstance(axis, (list, tuple)) else (axis,)
    # torch leaves an axis whose size is not 1 alone; NumPy would raise.
    axes = tuple(a for a in axes if x.shape[a] == 1)
    return np.squeeze(x, axis=axes)


def ravel(x):
    return np.ravel(_t(x))


def concatenate(xs, axis=0):
    return np.concatenate(_same_dtype(*xs), axis=axis)


def stack(x, axis=0):
    return np.stack(_same_dtype(*x), axis=axis)


def split(x, indices_or_sections, axis=0):
    return numpy_like.split(np, _t(x), indices_or_sections, axis)


def tile(x, repeats):
    return numpy_like.tile(np, _t(x), repeats)


def repeat(x, repeats, axis=None):
    x = _t(x)
    if isinstance(repeats, (np.ndarray, KerasVariable)):
        repeats = _t(repeats)
    return np.repeat(x, repeats, axis=axis)


def broadcast_to(x, shape):
    return np.broadcast_to(_t(x), tuple(shape))


def flip(x, axis=None):
    return np.flip(_t(x), axis=_axes(axis))


def _indices(indices) -> np.ndarray:
    indices = _t(indices)
    return indices if indices.dtype.kind in "iu" else indices.astype(np.int64)


def take(x, indices, axis=None):
    return _out(np.take(_t(x), _indices(indices), axis=axis))


def take_along_axis(x, indices, axis=None):
    x, indices = _t(x), _indices(indices)
    if axis is None:
        return np.take(x.ravel(), indices.ravel())
    return np.take_along_axis(x, indices, axis=axis)


def pad(x, pad_width, mode="constant", constant_values=None):
    x = _t(x)
    check_pad_mode(mode, constant_values)
    pad_width = np.broadcast_to(np.asarray(pad_width, dtype=np.int64), (x.ndim, 2))
    if mode == "constant":
        return np.pad(x, pad_width, mode="constant", constant_values=constant_values or 0)
    return np.pad(x, pad_width, mode=mode)


tril, triu, diag = numpy_like.matrix_parts(np, _t, __name__)


def size(x):
    return numpy_like.size(_t(x))


# ---- creation -----------------------------------------------------------------------------


def zeros(shape, dtype=None):
    return np.zeros(numpy_like.shape_tuple(shape), dtype=to_numpy_dtype(dtype))


def ones(shape, dtype=None):
    return np.ones(numpy_like.shape_tuple(shape), dtype=to_numpy_dtype(dtype))


def _fill_dtype(fill_value, dtype):
    if dtype is not None:
        return to_numpy_dtype(dtype)
    if isinstance(fill_value, (np.ndarray, KerasVariable)):
        return _t(fill_value).dtype
    if isinstance(fill_value, (bool, np.bool_)):
        return np.dtype(bool)
    if isinstance(fill_value, (int, np.integer)):
        return _INT32  # Python ints give int32, as convert_to_tensor and Keras do
    return to_numpy_dtype(None)


def full(shape, fill_value, dtype=None):
    dtype = _fill_dtype(fill_value, dtype)
    if isinstance(fill_value, KerasVariable):
        fill_value = fill_value.value
    return np.full(numpy_like.shape_tuple(shape), fill_value, dtype=dtype)


def zeros_like(x, dtype=None):
    return np.zeros_like(_t(x), dtype=None if dtype is None else to_numpy_dtype(dtype))


def ones_like(x, dtype=None):
    return np.ones_like(_t(x), dtype=None if dtype is None else to_numpy_dtype(dtype))


def full_like(x, fill_value, dtype=None):
    x = _t(x)
    dtype = x.dtype if dtype is None else to_numpy_dtype(dtype)
    if isinstance(fill_value, KerasVariable):
        fill_value = fill_value.value
    return np.full(x.shape, fill_value, dtype=dtype)


def arange(start, stop=None, step=None, dtype=None):
    int_types = (int, np.integer)
    start, stop, step, dtype = numpy_like.arange_arguments(start, stop, step, dtype, int_types)
    return np.arange(start, stop, step, dtype=to_numpy_dtype(dtype))


def linspace(start, stop, num=50, endpoint=True, retstep=False, dtype=None, axis=0):
    dtype = numpy_like.linspace_dtype(start, stop, dtype)
    return np.linspace(start, stop, num, endpoint=endpoint, retstep=retstep,
                       dtype=to_numpy_dtype(dtype), axis=axis)  # fmt: skip


def eye(N, M=None, k=0, dtype=None):
    return np.eye(N, M, k=k, dtype=to_numpy_dtype(dtype))


def identity(n, dtype=None):
    return eye(n, dtype=dtype)


def copy(x):
    return np.array(_t(x), copy=True)


def astype(x, dtype):
    return as_dtype(_t(x), to_numpy_dtype(dtype))


def get_dtype_name(x) -> str:
    if isinstance(x, np.ndarray):
        return dtype_name(x)
    return dtype_name(convert_to_tensor(x) if not isinstance(x, KerasVariable) else x.value)
