"""NumPy-like functions on TensorFlow tensors: convert, promote, call the native op.

TensorFlow does not promote mixed dtypes (``tf.add(int32, float32)`` is an error), so every
function with two operands casts them to ``promotion.binary_dtype`` first (Python scalars and
0-d tensors weak), the rule every engine shares; more operands go through ``result_type``.
Integer results follow Keras: sums keep their integer dtype (bool and narrow ints give
int32), indices are int32, integer division gives floatx.
"""

from __future__ import annotations

import builtins

import tensorflow as tf

from lamina.backend.common.promotion import binary_dtype, operand_key, scalar_key
from lamina.backend.tensorflow.core import convert_to_tensor, dtype_name, to_tf_dtype
from lamina.backend.tensorflow.numpy_creation import (  # the creation half, re-exported
    _value,
    arange as arange,
    eye as eye,
    full as full,
    full_like as full_like,
    identity as identity,
    linspace as linspace,
    ones as ones,
    ones_like as ones_like,
    zeros as zeros,
    zeros_like as zeros_like,
)
from lamina.backend.tensorflow.numpy_shape import (  # shapes and copies, re-exported
    _cast,
    _ndim,
    _promoted,
    astype as astype,
    broadcast_to as broadcast_to,
    concatenate as concatenate,
    copy as copy,
    diag as diag,
    expand_dims as expand_dims,
    flip as flip,
    get_dtype_name as get_dtype_name,
    moveaxis as moveaxis,
    pad as pad,
    ravel as ravel,
    repeat as repeat,
    reshape as reshape,
    size as size,
    split as split,
    squeeze as squeeze,
    stack as stack,
    swapaxes as swapaxes,
    take as take,
    take_along_axis as take_along_axis,
    tile as tile,
    transpose as transpose,
    tril as tril,
    triu as triu,
)

_t = convert_to_tensor
_PYTHON_SCALARS = (int, float, bool)
_NARROW_INTS = (tf.bool, tf.uint8, tf.int8, tf.int16, tf.uint16)


def _is_inexact(x) -> bool:
    return x.dtype.is_floating or x.dtype.is_complex


def _float(x):
    """A float tensor: integers and bools become floatx."""
    x = _t(x)
    return x if _is_inexact(x) else tf.cast(x, to_tf_dtype(None))


def _operand_key(x) -> str:
    """How ``promotion.binary_dtype`` names an operand (a tensor of unknown rank counts as
    one with dimensions)."""
    if isinstance(x, _PYTHON_SCALARS):
        return scalar_key(x)
    return operand_key(dtype_name(x), 1 if x.shape.rank is None else x.shape.rank)


def _pair(x1, x2):
    """Two tensors in the dtype ``promotion.binary_dtype`` gives (Python scalars weak)."""
    x1, x2 = _value(x1), _value(x2)
    if isinstance(x1, tf.Tensor) and isinstance(x2, tf.Tensor) and x1.dtype == x2.dtype:
        return x1, x2  # the hot path: nothing to convert or promote
    if not isinstance(x1, _PYTHON_SCALARS):
        x1 = _t(x1)
    if not isinstance(x2, _PYTHON_SCALARS):
        x2 = _t(x2)
    dtype = to_tf_dtype(binary_dtype(_operand_key(x1), _operand_key(x2)))
    return _promote_to(x1, dtype), _promote_to(x2, dtype)


def _promote_to(x, dtype):
    if isinstance(x, _PYTHON_SCALARS):
        if isinstance(x, bool) and dtype != tf.bool:
            x = int(x)  # TensorFlow makes no number constant from a bool
        return tf.constant(x, dtype=dtype)
    return _cast(x, dtype)


def _axes(axis):
    if isinstance(axis, (list, tuple)):
        return [int(a) for a in axis]
    return axis


# ---- element-wise arithmetic --------------------------------------------------------------


def add(x1, x2):
    x1, x2 = _pair(x1, x2)
    if x1.dtype == tf.bool:
        return tf.logical_or(x1, x2)  # as torch: bool + bool is a bool
    return tf.add(x1, x2)


def subtract(x1, x2):
    return tf.subtract(*_pair(x1, x2))


def multiply(x1, x2):
    x1, x2 = _pair(x1, x2)
    if x1.dtype == tf.bool:
        return tf.logical_and(x1, x2)
    return tf.multiply(x1, x2)


def divide(x1, x2):
    x1, x2 = _pair(x1, x2)
    if not _is_inexact(x1):  # integer division gives floatx (TensorFlow would give float64)
        floatx = to_tf_dtype(None)
        x1, x2 = tf.cast(x1, floatx), tf.cast(x2, floatx)
    return tf.math.truediv(x1, x2)


true_divide = divide


def divide_no_nan(x1, x2):
    if isinstance(x2, _PYTHON_SCALARS):
        return divide(x1, x2) if x2 != 0 else tf.zeros_like(divide(x1, 1.0))
    x2 = _t(_value(x2))
    zero = tf.equal(x2, tf.zeros((), x2.dtype))
    # Divided by 1 where x2 is 0, so the gradient holds no inf or NaN there.
    out = divide(x1, tf.where(zero, tf.ones((), x2.dtype), x2))
    return tf.where(zero, tf.zeros((), out.dtype), out)


def floor_divide(x1, x2):
    x1, x2 = _pair(x1, x2)
    if x1.dtype == tf.bool:
        x1, x2 = tf.cast(x1, tf.int32), tf.cast(x2, tf.int32)
    return tf.math.floordiv(x1, x2)


def mod(x1, x2):
    x1, x2 = _pair(x1, x2)
    if x1.dtype == tf.bool:
        x1, x2 = tf.cast(x1, tf.int32), tf.cast(x2, tf.int32)
    return tf.math.floormod(x1, x2)  # the sign of the divisor, as NumPy


def power(x1, x2):
    x1, x2 = _pair(x1, x2)
    if x1.dtype == tf.bool:
        x1, x2 = tf.cast(x1, tf.int32), tf.cast(x2, tf.int32)
    if x1.dtype.is_unsigned:  # no unsigned Pow kernel: wrap around as NumPy does
        return tf.cast(tf.pow(tf.cast(x1, tf.int64), tf.cast(x2, tf.int64)), x1.dtype)
    return tf.pow(x1, x2)


def negative(x):
    x = _t(x)
    if x.dtype.is_unsigned:  # wraps around, as NumPy (TensorFlow has no unsigned Neg)
        return tf.subtract(tf.zeros((), x.dtype), x)
    return tf.negative(x)


def absolute(x):
    x = _t(x)
    if x.dtype == tf.bool or x.dtype.is_unsigned:
        return x
    return tf.abs(x)


abs = absolute


def sign(x):
    x = _t(x)
    if x.dtype == tf.bool:
        return x  # a bool is its own sign, as torch
    if x.dtype.is_unsigned:
        return tf.cast(x > 0, x.dtype)
    return tf.sign(x)


def sqrt(x):
    return tf.sqrt(_float(x))


def square(x):
    x = _t(x)
    if x.dtype == tf.bool:
        return x
    return tf.square(x)


def exp(x):
    return tf.exp(_float(x))


def expm1(x):
    return tf.math.expm1(_float(x))


def log(x):
    return tf.math.log(_float(x))


def log1p(x):
    return tf.math.log1p(_float(x))


def log2(x):
    x = _float(x)
    return tf.math.log(x) / tf.math.log(tf.constant(2, x.dtype))


def log10(x):
    x = _float(x)
    return tf.math.log(x) / tf.math.log(tf.constant(10, x.dtype))


def logaddexp(x1, x2):
    x1, x2 = _pair(x1, x2)
    x1, x2 = _float(x1), _float(x2)
    larger = tf.maximum(x1, x2)
    # Equal infinities would give inf - inf = nan below; they are their own answer.
    safe = tf.where(tf.math.is_finite(larger), larger, tf.zeros_like(larger))
    out = safe + tf.math.log(tf.exp(x1 - safe) + tf.exp(x2 - safe))
    return tf.where(tf.math.is_finite(larger), out, larger)


def reciprocal(x):
    return tf.math.reciprocal(_float(x))


def sin(x):
    return tf.sin(_float(x))


def cos(x):
    return tf.cos(_float(x))


def tan(x):
    return tf.tan(_float(x))


def arctan(x):
    return tf.atan(_float(x))


def sinh(x):
    return tf.sinh(_float(x))


def cosh(x):
    return tf.cosh(_float(x))


def tanh(x):
    return tf.tanh(_float(x))


def floor(x):
    x = _t(x)
    return tf.floor(x) if x.dtype.is_floating else x  # integers are already whole


def ceil(x):
    x = _t(x)
    return tf.math.ceil(x) if x.dtype.is_floating else x


def round(x, decimals=0):
    x = _t(x)
    if not x.dtype.is_floating:
        if decimals >= 0:
            return x
        factor = 10.0 ** (-decimals)  # integers to tens, hundreds: round in float64
        scaled = tf.round(tf.cast(x, tf.float64) / factor) * factor
        return tf.cast(scaled, x.dtype)
    if decimals == 0:
        return tf.round(x)  # half to even, as NumPy
    factor = tf.constant(10.0**decimals, dtype=x.dtype)
    return tf.round(x * factor) / factor


def clip(x, x_min, x_max):
    x = _t(_value(x))
    if x.dtype == tf.bool:
        x = tf.cast(x, tf.int32)
    if not x.dtype.is_floating and builtins.any(isinstance(b, float) for b in (x_min, x_max)):
        x = tf.cast(x, to_tf_dtype(None))  # a float bound makes an integer tensor floatx
    if x_min is not None:
        x = tf.maximum(x, _bound(x_min, x.dtype))
    if x_max is not None:
        x = tf.minimum(x, _bound(x_max, x.dtype))
    return x


def _bound(bound, dtype):
    if isinstance(bound, _PYTHON_SCALARS):
        return tf.constant(bound, dtype=dtype)
    return _cast(_t(_value(bound)), dtype)


def maximum(x1, x2):
    x1, x2 = _pair(x1, x2)
    if x1.dtype == tf.bool:
        return tf.logical_or(x1, x2)
    return tf.maximum(x1, x2)


def minimum(x1, x2):
    x1, x2 = _pair(x1, x2)
    if x1.dtype == tf.bool:
        return tf.logical_and(x1, x2)
    return tf.minimum(x1, x2)


def where(condition, x1=None, x2=None):
    condition = _cast(_t(_value(condition)), tf.bool)
    if x1 is None and x2 is None:
        # One int64 index vector per axis, as NumPy's nonzero (and torch's engine).
        return tuple(tf.unstack(tf.where(condition), num=_ndim(condition), axis=1))
    if x1 is None or x2 is None:
        raise ValueError("where: give both x1 and x2, or neither.")
    x1, x2 = _pair(x1, x2)
    return tf.where(condition, x1, x2)


# ---- comparison and logic -----------------------------------------------------------------


def _comparable(x1, x2):
    x1, x2 = _pair(x1, x2)
    if x1.dtype == tf.bool:  # TensorFlow orders no bools
        return tf.cast(x1, tf.int8), tf.cast(x2, tf.int8)
    return x1, x2


def equal(x1, x2):
    return tf.equal(*_pair(x1, x2))


def not_equal(x1, x2):
    return tf.not_equal(*_pair(x1, x2))


def less(x1, x2):
    return tf.less(*_comparable(x1, x2))


def less_equal(x1, x2):
    return tf.less_equal(*_comparable(x1, x2))


def greater(x1, x2):
    return tf.greater(*_comparable(x1, x2))


def greater_equal(x1, x2):
    return tf.greater_equal(*_comparable(x1, x2))


def _bool(x):
    return _cast(_t(_value(x)), tf.bool)


def logical_and(x1, x2):
    return tf.logical_and(_bool(x1), _bool(x2))


def logical_or(x1, x2):
    return tf.logical_or(_bool(x1), _bool(x2))


def logical_not(x):
    return tf.logical_not(_bool(x))


def isnan(x):
    x = _t(x)
    return tf.math.is_nan(x) if x.dtype.is_floating else tf.zeros(tf.shape(x), tf.bool)


def isinf(x):
    x = _t(x)
    return tf.math.is_inf(x) if x.dtype.is_floating else tf.zeros(tf.shape(x), tf.bool)


def isfinite(x):
    x = _t(x)
    return tf.math.is_finite(x) if x.dtype.is_floating else tf.ones(tf.shape(x), tf.bool)


# ---- linear algebra-ish -------------------------------------------------------------------

# MatMul / BatchMatMul kernels exist for these; others compute in a wider type, cast back.
_MATMUL_DTYPES = (tf.float16, tf.bfloat16, tf.float32, tf.float64, tf.int32, tf.int64,
                  tf.complex64, tf.complex128)  # fmt: skip


def matmul(x1, x2):
    x1, x2 = _pair(x1, x2)
    dtype = x1.dtype
    if dtype not in _MATMUL_DTYPES:
        x1, x2 = tf.cast(x1, tf.int32), tf.cast(x2, tf.int32)
    vector1, vector2 = _ndim(x1) == 1, _ndim(x2) == 1
    if vector1:
        x1 = x1[None, :]
    if vector2:
        x2 = x2[:, None]
    out = tf.linalg.matmul(x1, x2)  # batch axes broadcast
    if vector2:
        out = out[..., 0]
    if vector1:
        out = out[..., 0, :] if not vector2 else out[..., 0]
    return _cast(out, dtype)


def dot(x1, x2):
    x1, x2 = _pair(x1, x2)
    if _ndim(x1) == 0 or _ndim(x2) == 0:
        return multiply(x1, x2)
    return matmul(x1, x2)


def _wide(dtype):
    """The dtype a contraction computes in: TensorFlow's kernels take floats only (float64
    holds every integer product below 2**53 exactly)."""
    if dtype.is_floating or dtype.is_complex:
        return dtype
    return tf.float64


def tensordot(x1, x2, axes=2):
    x1, x2 = _pair(x1, x2)
    dtype = x1.dtype
    wide = _wide(dtype)
    return _cast(tf.tensordot(_cast(x1, wide), _cast(x2, wide), axes=axes), dtype)


def einsum(subscripts, *operands):
    operands = _promoted(operands)
    dtype = operands[0].dtype
    wide = _wide(dtype)
    out = tf.einsum(subscripts, *[_cast(x, wide) for x in operands])
    return _cast(out, dtype)


def outer(x1, x2):
    x1, x2 = _pair(x1, x2)
    return multiply(tf.reshape(x1, (-1, 1)), tf.reshape(x2, (1, -1)))  # flattens both


# ---- reductions ---------------------------------------------------------------------------


def _accumulator_dtype(x):
    """Keras keeps an integer sum in its input dtype; bool and narrow ints give int32."""
    if x.dtype in _NARROW_INTS:
        return tf.int32
    return x.dtype


def sum(x, axis=None, keepdims=False):
    x = _t(x)
    return tf.reduce_sum(_cast(x, _accumulator_dtype(x)), axis=_axes(axis), keepdims=keepdims)


def _with_float32_accumulator(function, x, axis, keepdims):
    """Half-precision floats reduce in float32 and round once at the end (as JAX)."""
    x = _float(x)
    if x.dtype in (tf.float16, tf.bfloat16):
        out = function(tf.cast(x, tf.float32), axis=_axes(axis), keepdims=keepdims)
        return tf.cast(out, x.dtype)
    return function(x, axis=_axes(axis), keepdims=keepdims)


def mean(x, axis=None, keepdims=False):
    return _with_float32_accumulator(tf.reduce_mean, x, axis, keepdims)


def prod(x, axis=None, keepdims=False, dtype=None):
    x = _t(x)
    dtype = _accumulator_dtype(x) if dtype is None else to_tf_dtype(dtype)
    return tf.reduce_prod(_cast(x, dtype), axis=_axes(axis), keepdims=keepdims)


def _extreme(reduce_fn, bool_fn, pick, x, axis, keepdims, initial):
    x = _t(x)
    if x.dtype == tf.bool:
        out = bool_fn(x, axis=_axes(axis), keepdims=keepdims)
    else:
        out = reduce_fn(x, axis=_axes(axis), keepdims=keepdims)
    return out if initial is None else pick(out, initial)


def max(x, axis=None, keepdims=False, initial=None):
    return _extreme(tf.reduce_max, tf.reduce_any, maximum, x, axis, keepdims, initial)


def min(x, axis=None, keepdims=False, initial=None):
    return _extreme(tf.reduce_min, tf.reduce_all, minimum, x, axis, keepdims, initial)


amax = max
amin = min


def var(x, axis=None, keepdims=False):
    return _with_float32_accumulator(tf.math.reduce_variance, x, axis, keepdims)


def std(x, axis=None, keepdims=False):
    return _with_float32_accumulator(tf.math.reduce_std, x, axis, keepdims)


def _arg_extreme(function, x, axis, keepdims):
    x = _t(x)
    if x.dtype == tf.bool:
        x = tf.cast(x, tf.int32)
    if axis is None:  # the flat index, a scalar whatever keepdims says (as torch's engine)
        return function(tf.reshape(x, (-1,)), axis=0, output_type=tf.int32)
    out = function(x, axis=axis, output_type=tf.int32)
    return tf.expand_dims(out, axis) if keepdims else out


def argmax(x, axis=None, keepdims=False):
    return _arg_extreme(tf.argmax, x, axis, keepdims)


def argmin(x, axis=None, keepdims=False):
    return _arg_extreme(tf.argmin, x, axis, keepdims)


def _sortable(x):
    """TensorFlow sorts no bools, and sorts ints ascending by negation: widen both."""
    if x.dtype == tf.bool or x.dtype.is_unsigned or x.dtype in (tf.int8, tf.int16):
        return tf.cast(x, tf.int32)
    return x


def argsort(x, axis=-1):
    x = _t(x)
    if axis is None:
        x, axis = tf.reshape(x, (-1,)), 0
    if _ndim(x) == 0:
        return tf.zeros((), tf.int32)
    return tf.argsort(_sortable(x), axis=axis, stable=True)


def sort(x, axis=-1):
    x = _t(x)
    if axis is None:
        x, axis = tf.reshape(x, (-1,)), 0
    if _ndim(x) == 0:
        return x
    return _cast(tf.sort(_sortable(x), axis=axis), x.dtype)


def _cumulative(function, x, axis, dtype):
    x = _t(x)
    dtype = _accumulator_dtype(x) if dtype is None else to_tf_dtype(dtype)
    x = _cast(x, dtype)
    if axis is None:  # over the flattened array
        x, axis = tf.reshape(x, (-1,)), 0
    return function(x, axis=axis)


def cumsum(x, axis=None, dtype=None):
    return _cumulative(tf.math.cumsum, x, axis, dtype)


def cumprod(x, axis=None, dtype=None):
    return _cumulative(tf.math.cumprod, x, axis, dtype)


def any(x, axis=None, keepdims=False):
    return tf.reduce_any(_bool(x), axis=_axes(axis), keepdims=keepdims)


def all(x, axis=None, keepdims=False):
    return tf.reduce_all(_bool(x), axis=_axes(axis), keepdims=keepdims)


def count_nonzero(x, axis=None):
    return tf.math.count_nonzero(_t(x), axis=_axes(axis), dtype=tf.int32)
