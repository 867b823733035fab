"""NumPy-like functions on JAX arrays: convert the inputs, call the native op.

``jax_enable_x64`` is on (float64 must mean float64), so JAX's own defaults would widen:
integer sums and argmax give int64, ``jnp.zeros`` and integer division give float64. Every
function here names its result dtype where JAX would widen, to match the torch engine
(Python ints -> int32, Python floats and integer-to-float results -> floatx).
"""

from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np

from lamina.backend.common import numpy_like
from lamina.backend.common.argument_checks import check_pad_mode
from lamina.backend.common.promotion import binary_dtype, operand_key, scalar_key
from lamina.backend.common.variables import KerasVariable
from lamina.backend.jax.core import convert_to_tensor, dtype_name, to_jax_dtype

_t = convert_to_tensor
_PYTHON_SCALARS = (int, float, bool)


def _is_inexact(x) -> bool:
    """Whether a tensor or a Python scalar is floating or complex."""
    if isinstance(x, jax.Array):
        return jnp.issubdtype(x.dtype, jnp.inexact)
    return isinstance(x, (float, complex))


def _float(x):
    """A float tensor: integers and bools become floatx (not JAX's float64 default)."""
    x = _t(x)
    return x if _is_inexact(x) else x.astype(to_jax_dtype(None))


def _pair(x1, x2):
    """Two operands in the dtype ``promotion.binary_dtype`` gives; a Python scalar stays a
    scalar (JAX keeps it weak)."""
    # A Variable's value, so that `variable * 0.9` keeps the scalar weak, not a new tensor.
    if isinstance(x1, KerasVariable):
        x1 = x1.value
    if isinstance(x2, KerasVariable):
        x2 = x2.value
    if isinstance(x1, jax.Array) and isinstance(x2, _PYTHON_SCALARS):
        return _with_scalar(x1, x2), x2
    if isinstance(x2, jax.Array) and isinstance(x1, _PYTHON_SCALARS):
        return x1, _with_scalar(x2, x1)
    x1, x2 = _t(x1), _t(x2)
    if x1.dtype == x2.dtype:
        return x1, x2
    dtype = to_jax_dtype(
        binary_dtype(operand_key(dtype_name(x1), x1.ndim), operand_key(dtype_name(x2), x2.ndim))
    )
    return x1.astype(dtype), x2.astype(dtype)


def _with_scalar(tensor, scalar):
    """``tensor`` in the dtype it computes in against the Python ``scalar``."""
    if _is_inexact(tensor):
        return tensor  # no Python scalar outranks a float tensor
    dtype = binary_dtype(operand_key(dtype_name(tensor), tensor.ndim), scalar_key(scalar))
    return tensor.astype(to_jax_dtype(dtype))


def _int32_if_both_bool(x1, x2):
    """power / floor_divide / mod on two bools count in int32, as Keras."""
    if _is_bool(x1) and _is_bool(x2):
        return _as_int32(x1), _as_int32(x2)
    return x1, x2


def _is_bool(x) -> bool:
    return isinstance(x, bool) or (isinstance(x, jax.Array) and x.dtype == jnp.bool_)


def _as_int32(x):
    return x.astype(jnp.int32) if isinstance(x, jax.Array) else int(x)


def _axes(axis):
    if isinstance(axis, list):
        return tuple(axis)
    return axis


# ---- element-wise arithmetic --------------------------------------------------------------


def add(x1, x2):
    return jnp.add(*_pair(x1, x2))


def subtract(x1, x2):
    return jnp.subtract(*_pair(x1, x2))


def multiply(x1, x2):
    return jnp.multiply(*_pair(x1, x2))


def divide(x1, x2):
    x1, x2 = _pair(x1, x2)
    if not (_is_inexact(x1) or _is_inexact(x2)):
        # Integer division gives floatx, as torch's engine does (JAX would give float64).
        floatx = to_jax_dtype(None)
        x1 = x1.astype(floatx) if isinstance(x1, jax.Array) else x1
        x2 = x2.astype(floatx) if isinstance(x2, jax.Array) else x2
    return jnp.true_divide(x1, x2)


true_divide = divide


def divide_no_nan(x1, x2):
    if isinstance(x2, _PYTHON_SCALARS):
        return divide(x1, x2) if x2 != 0 else jnp.zeros_like(divide(x1, 1.0))
    x2 = _t(x2)
    zero = jnp.equal(x2, 0)
    # Divided by 1 where x2 is 0, so the gradient holds no inf or NaN there.
    out = divide(x1, jnp.where(zero, jnp.ones((), dtype=x2.dtype), x2))
    return jnp.where(zero, jnp.zeros((), dtype=out.dtype), out)


def floor_divide(x1, x2):
    return jnp.floor_divide(*_int32_if_both_bool(*_pair(x1, x2)))


def mod(x1, x2):
    return jnp.remainder(*_int32_if_both_bool(*_pair(x1, x2)))


def power(x1, x2):
    return jnp.power(*_int32_if_both_bool(*_pair(x1, x2)))


def negative(x):
    return jnp.negative(_t(x))


def absolute(x):
    return jnp.abs(_t(x))


abs = absolute


def sign(x):
    x = _t(x)
    return x if x.dtype == jnp.bool_ else jnp.sign(x)  # a bool is its own sign, as torch


def sqrt(x):
    return jnp.sqrt(_float(x))


def square(x):
    return jnp.square(_t(x))


def exp(x):
    return jnp.exp(_float(x))


def expm1(x):
    return jnp.expm1(_float(x))


def log(x):
    return jnp.log(_float(x))


def log1p(x):
    return jnp.log1p(_float(x))


def log2(x):
    return jnp.log2(_float(x))


def log10(x):
    return jnp.log10(_float(x))


def logaddexp(x1, x2):
    return jnp.logaddexp(_float(x1), _float(x2))


def reciprocal(x):
    return jnp.reciprocal(_float(x))


def sin(x):
    return jnp.sin(_float(x))


def cos(x):
    return jnp.cos(_float(x))


def tan(x):
    return jnp.tan(_float(x))


def arctan(x):
    return jnp.arctan(_float(x))


def sinh(x):
    return jnp.sinh(_float(x))


def cosh(x):
    return jnp.cosh(_float(x))


def tanh(x):
    return jnp.tanh(_float(x))


def floor(x):
    return jnp.floor(_t(x))


def ceil(x):
    return jnp.ceil(_t(x))


def round(x, decimals=0):
    x = _t(x)
    if not _is_inexact(x):
        if decimals >= 0:
            return x  # integers are already rounded
        # JAX has no integer round to negative decimals: round in float64, as torch's engine.
        factor = 10 ** (-decimals)
        return (jnp.round(x.astype(jnp.float64) / factor) * factor).astype(x.dtype)
    return jnp.round(x, decimals)


def clip(x, x_min, x_max):
    x = _t(x)
    if x.dtype == jnp.bool_:
        x = x.astype(jnp.int32)
    for bound in (x_min, x_max):
        if isinstance(bound, _PYTHON_SCALARS):
            x = _with_scalar(x, bound)
    return jnp.clip(x, min=x_min, max=x_max)


def maximum(x1, x2):
    return jnp.maximum(*_pair(x1, x2))


def minimum(x1, x2):
    return jnp.minimum(*_pair(x1, x2))


def where(condition, x1=None, x2=None):
    condition = _t(condition).astype(jnp.bool_)
    if x1 is None and x2 is None:
        return jnp.nonzero(condition)  # int64 indices, as torch.nonzero
    return jnp.where(condition, *_pair(x1, x2))


# ---- comparison and logic -----------------------------------------------------------------


def equal(x1, x2):
    return jnp.equal(*_pair(x1, x2))


def not_equal(x1, x2):
    return jnp.not_equal(*_pair(x1, x2))


def less(x1, x2):
    return jnp.less(*_pair(x1, x2))


def less_equal(x1, x2):
    return jnp.less_equal(*_pair(x1, x2))


def greater(x1, x2):
    return jnp.greater(*_pair(x1, x2))


def greater_equal(x1, x2):
    return jnp.greater_equal(*_pair(x1, x2))


def logical_and(x1, x2):
    return jnp.logical_and(_t(x1), _t(x2))


def logical_or(x1, x2):
    return jnp.logical_or(_t(x1), _t(x2))


def logical_not(x):
    return jnp.logical_not(_t(x))


def isnan(x):
    return jnp.isnan(_t(x))


def isinf(x):
    return jnp.isinf(_t(x))


def isfinite(x):
    return jnp.isfinite(_t(x))


# ---- linear algebra-ish -------------------------------------------------------------------


def matmul(x1, x2):
    return jnp.matmul(_t(x1), _t(x2))


def dot(x1, x2):
    x1, x2 = _t(x1), _t(x2)
    if x1.ndim == 0 or x2.ndim == 0:
        return jnp.multiply(x1, x2)
    return jnp.matmul(x1, x2)


def tensordot(x1, x2, axes=2):
    return jnp.tensordot(_t(x1), _t(x2), axes=axes)


def einsum(subscripts, *operands):
    return jnp.einsum(subscripts, *[_t(x) for x in operands])


def outer(x1, x2):
    return jnp.outer(_t(x1), _t(x2))  # flattens both, as NumPy


# ---- reductions ---------------------------------------------------------------------------


def _accumulator_dtype(x):
    """Keras keeps an integer sum in its input dtype; bool and narrow ints give int32.

    JAX (with x64) promotes every integer sum and product to int64; naming the dtype undoes
    that. Floats return None: JAX's own choice (float16 accumulates in float32) stands.
    """
    if _is_inexact(x):
        return None
    if x.dtype in (jnp.bool_, jnp.uint8, jnp.int8, jnp.int16):
        return jnp.int32
    return x.dtype


def sum(x, axis=None, keepdims=False):
    x = _t(x)
    return jnp.sum(x, axis=_axes(axis), keepdims=keepdims, dtype=_accumulator_dtype(x))


def mean(x, axis=None, keepdims=False):
    return jnp.mean(_float(x), axis=_axes(axis), keepdims=keepdims)


def prod(x, axis=None, keepdims=False, dtype=None):
    x = _t(x)
    dtype = _accumulator_dtype(x) if dtype is None else to_jax_dtype(dtype)
    return jnp.prod(x, axis=_axes(axis), keepdims=keepdims, dtype=dtype)


def max(x, axis=None, keepdims=False, initial=None):
    out = jnp.max(_t(x), axis=_axes(axis), keepdims=keepdims)
    return out if initial is None else maximum(out, initial)


def min(x, axis=None, keepdims=False, initial=None):
    out = jnp.min(_t(x), axis=_axes(axis), keepdims=keepdims)
    return out if initial is None else minimum(out, initial)


amax = max
amin = min


def var(x, axis=None, keepdims=False):
    return jnp.var(_float(x), axis=_axes(axis), keepdims=keepdims)


def std(x, axis=None, keepdims=False):
    return jnp.std(_float(x), axis=_axes(axis), keepdims=keepdims)


def argmax(x, axis=None, keepdims=False):
    x = _t(x)
    if axis is None:  # the flat index, a scalar whatever keepdims says (as torch's engine)
        return jnp.argmax(jnp.ravel(x)).astype(jnp.int32)
    return jnp.argmax(x, axis=axis, keepdims=keepdims).astype(jnp.int32)


def argmin(x, axis=None, keepdims=False):
    x = _t(x)
    if axis is None:
        return jnp.argmin(jnp.ravel(x)).astype(jnp.int32)
    return jnp.argmin(x, axis=axis, keepdims=keepdims).astype(jnp.int32)


def argsort(x, axis=-1):
    return jnp.argsort(_t(x), axis=axis, stable=True).astype(jnp.int32)


def sort(x, axis=-1):
    return jnp.sort(_t(x), axis=axis)  # stable; axis=None sorts the flattened array


def _cumulative(function, x, axis, dtype):
    x = _t(x)
    dtype = _accumulator_dtype(x) if dtype is None else to_jax_dtype(dtype)
    return function(x, axis=axis, dtype=dtype)  # axis=None: over the flattened array


def cumsum(x, axis=None, dtype=None):
    return _cumulative(jnp.cumsum, x, axis, dtype)


def cumprod(x, axis=None, dtype=None):
    return _cumulative(jnp.cumprod, x, axis, dtype)


def any(x, axis=None, keepdims=False):
    return jnp.any(_t(x), axis=_axes(axis), keepdims=keepdims)


def all(x, axis=None, keepdims=False):
    return jnp.all(_t(x), axis=_axes(axis), keepdims=keepdims)


def count_nonzero(x, axis=None):
    return jnp.count_nonzero(_t(x), axis=_axes(axis)).astype(jnp.int32)


# ---- shapes -------------------------------------------------------------------------------


def reshape(x, newshape):
    return numpy_like.reshape(jnp, _t(x), newshape)


def transpose(x, axes=None):
    return jnp.transpose(_t(x), None if axes is None else tuple(axes))


def swapaxes(x, axis1, axis2):
    return jnp.swapaxes(_t(x), axis1, axis2)


def moveaxis(x, source, destination):
    return jnp.moveaxis(_t(x), _axes(source), _axes(destination))


def expand_dims(x, axis):
    return jnp.expand_dims(_t(x), _axes(axis))


def squeeze(x, axis=None):
    x = _t(x)
    if axis is None:
        return jnp.squeeze(x)
    axes = axis if isinstance(axis, (list, tuple)) else (axis,)
    # As torch: a listed axis whose size is not 1 is left alone rather than an error.
    axes = tuple(a % x.ndim for a in axes if x.shape[a] == 1)
    return jnp.squeeze(x, axes) if axes else x


def ravel(x):
    return jnp.ravel(_t(x))


def concatenate(xs, axis=0):
    return jnp.concatenate([_t(x) for x in xs], axis=axis)  # mixed dtypes promote


def stack(x, axis=0):
    return jnp.stack([_t(item) for item in x], axis=axis)


def split(x, indices_or_sections, axis=0):
    return numpy_like.split(jnp, _t(x), indices_or_sections, axis)


def tile(x, repeats):
    return numpy_like.tile(jnp, _t(x), repeats)


def repeat(x, repeats, axis=None):
    return jnp.repeat(_t(x), repeats, axis=axis)  # axis=None: over the flattened array


def broadcast_to(x, shape):
    return jnp.broadcast_to(_t(x), tuple(shape))


def flip(x, axis=None):
    return jnp.flip(_t(x), axis=_axes(axis))


def _indices(indices):
    indices = _t(indices)
    return indices if jnp.issubdtype(indices.dtype, jnp.integer) else indices.astype(jnp.int32)


def take(x, indices, axis=None):
    # Negative indices count from the end, as NumPy; axis=None indexes the flattened array.
    return jnp.take(_t(x), _indices(indices), axis=axis)


def take_along_axis(x, indices, axis=None):
    x, indices = _t(x), _indices(indices)
    if axis is None:
        return jnp.take(jnp.ravel(x), jnp.ravel(indices))
    return jnp.take_along_axis(x, indices, axis=axis)


def pad(x, pad_width, mode="constant", constant_values=None):
    x = _t(x)
    check_pad_mode(mode, constant_values)
    pad_width = np.broadcast_to(np.asarray(pad_width, dtype=np.int64), (x.ndim, 2))
    pad_width = [(int(before), int(after)) for before, after in pad_width]
    if mode == "constant":
        return jnp.pad(x, pad_width, constant_values=constant_values or 0)
    return jnp.pad(x, pad_width, mode=mode)


tril, triu, diag = numpy_like.matrix_parts(jnp, _t, __name__)


def size(x):
    return numpy_like.size(_t(x))


# ---- creation -----------------------------------------------------------------------------


def zeros(shape, dtype=None):
    return jnp.zeros(numpy_like.shape_tuple(shape), dtype=to_jax_dtype(dtype))


def ones(shape, dtype=None):
    return jnp.ones(numpy_like.shape_tuple(shape), dtype=to_jax_dtype(dtype))


def full(shape, fill_value, dtype=None):
    if dtype is None and isinstance(fill_value, (bool, int)):
        # Python ints give int32, as convert_to_tensor and Keras do (not int64).
        dtype = "bool" if isinstance(fill_value, bool) else "int32"
    return jnp.full(numpy_like.shape_tuple(shape), fill_value, dtype=to_jax_dtype(dtype))


def _like_dtype(dtype):
    return None if dtype is None else to_jax_dtype(dtype)


def zeros_like(x, dtype=None):
    return jnp.zeros_like(_t(x), dtype=_like_dtype(dtype))


def ones_like(x, dtype=None):
    return jnp.ones_like(_t(x), dtype=_like_dtype(dtype))


def full_like(x, fill_value, dtype=None):
    return jnp.full_like(_t(x), fill_value, dtype=_like_dtype(dtype))


def arange(start, stop=None, step=None, dtype=None):
    start, stop, step, dtype = numpy_like.arange_arguments(start, stop, step, dtype, (int,))
    return jnp.arange(start, stop, step, dtype=to_jax_dtype(dtype))


def linspace(start, stop, num=50, endpoint=True, retstep=False, dtype=None, axis=0):
    dtype = numpy_like.linspace_dtype(start, stop, dtype)
    return jnp.linspace(start, stop, num, endpoint=endpoint, retstep=retstep,
                        dtype=to_jax_dtype(dtype), axis=axis)  # fmt: skip


def eye(N, M=None, k=0, dtype=None):
    return jnp.eye(N, M, k=k, dtype=to_jax_dtype(dtype))


def identity(n, dtype=None):
    return eye(n, dtype=dtype)


def copy(x):
    return jnp.array(_t(x), copy=True)


def astype(x, dtype):
    return _t(x).astype(to_jax_dtype(dtype))


def get_dtype_name(x) -> str:
    return dtype_name(_t(x))
