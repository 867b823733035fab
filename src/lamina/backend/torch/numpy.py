"""NumPy-like functions on PyTorch tensors: convert the inputs, call the native op."""

from __future__ import annotations

import builtins

import numpy as np
import torch

from lamina.backend.common.argument_checks import check_pad_mode, check_split_sections
from lamina.backend.common.dtypes import result_type
from lamina.backend.common.promotion import binary_dtype, operand_key, scalar_key
from lamina.backend.common.variables import KerasVariable
from lamina.backend.torch import core
from lamina.backend.torch.core import (
    convert_to_tensor,
    dtype_name,
    get_device,
    to_torch_dtype,
)

_t = convert_to_tensor


def _pair(x1, x2):
    """Two operands in the dtype ``promotion.binary_dtype`` gives; a Python scalar stays a
    scalar (torch keeps it weak, without a copy to the device)."""
    if isinstance(x1, torch.Tensor) and isinstance(x2, torch.Tensor):
        return (x1, x2) if x1.dtype == x2.dtype else _promote_tensors(x1, x2)
    # A Variable's value, so that `variable * 0.9` keeps the scalar weak, not a new tensor.
    if isinstance(x1, KerasVariable):
        x1 = x1.value
    if isinstance(x2, KerasVariable):
        x2 = x2.value
    if isinstance(x1, torch.Tensor) and isinstance(x2, _SCALARS):
        x1 = _with_scalar(x1, x2)
        return x1, _scalar_for(x1, x2)
    if isinstance(x2, torch.Tensor) and isinstance(x1, _SCALARS):
        x2 = _with_scalar(x2, x1)
        return _scalar_for(x2, x1), x2
    x1, x2 = _t(x1), _t(x2)
    return (x1, x2) if x1.dtype == x2.dtype else _promote_tensors(x1, x2)


_SCALARS = (int, float, bool)


def _promote_tensors(x1, x2):
    dtype = to_torch_dtype(
        binary_dtype(operand_key(dtype_name(x1), x1.ndim), operand_key(dtype_name(x2), x2.ndim))
    )
    return x1.to(dtype), x2.to(dtype)


def _with_scalar(tensor, scalar):
    """``tensor`` in the dtype it computes in against the Python ``scalar``."""
    if tensor.is_floating_point() or tensor.is_complex():
        return tensor  # no Python scalar outranks a float tensor
    if tensor.dtype != torch.bool and not isinstance(scalar, float):
        return tensor  # nor a bool or int one an integer tensor (the hot integer case)
    dtype = binary_dtype(operand_key(dtype_name(tensor), tensor.ndim), scalar_key(scalar))
    return tensor.to(to_torch_dtype(dtype))


def _scalar_for(tensor, scalar):
    """A Python bool against a number tensor as the int it is (torch's sub refuses bools)."""
    if isinstance(scalar, bool) and tensor.dtype != torch.bool:
        return int(scalar)
    return scalar


def _int32_if_both_bool(x1, x2):
    """power / floor_divide / mod on two bools count in int32, as Keras."""
    if _is_bool(x1) and _is_bool(x2):
        return _as_int32(x1), _as_int32(x2)
    return x1, x2


def _is_bool(x) -> bool:
    return isinstance(x, bool) or (isinstance(x, torch.Tensor) and x.dtype == torch.bool)


def _as_int32(x):
    return x.to(torch.int32) if isinstance(x, torch.Tensor) else int(x)


def _axes(axis):
    if axis is None:
        return None
    if isinstance(axis, (list, tuple)):
        return tuple(axis)
    return axis


# ---- element-wise arithmetic --------------------------------------------------------------


def add(x1, x2):
    x1, x2 = _pair(x1, x2)
    return torch.add(x1, x2) if isinstance(x1, torch.Tensor) else torch.add(x2, x1)


def subtract(x1, x2):
    x1, x2 = _pair(x1, x2)
    if not isinstance(x1, torch.Tensor):
        return torch.rsub(x2, x1)  # scalar - tensor without copying the scalar to the device
    return torch.sub(x1, x2)


def multiply(x1, x2):
    x1, x2 = _pair(x1, x2)
    return torch.mul(x1, x2) if isinstance(x1, torch.Tensor) else torch.mul(x2, x1)


def divide(x1, x2):
    x1, x2 = _pair(x1, x2)
    if not isinstance(x1, torch.Tensor):
        x1 = torch.as_tensor(x1, dtype=x2.dtype, device=x2.device)
    out = torch.true_divide(x1, x2)
    if not out.is_floating_point() and not out.is_complex():
        out = out.to(to_torch_dtype(None))
    return out


true_divide = divide


def divide_no_nan(x1, x2):
    x2 = x2 if isinstance(x2, (torch.Tensor, int, float)) else _t(x2)
    if not isinstance(x2, torch.Tensor):
        return divide(x1, x2) if x2 != 0 else torch.zeros_like(divide(x1, 1.0))
    zero = x2 == 0
    # Divided by 1 where x2 is 0, so the gradient holds no inf or NaN there.
    out = divide(x1, torch.where(zero, 1, x2))
    return torch.where(zero, torch.zeros((), dtype=out.dtype, device=out.device), out)


def floor_divide(x1, x2):
    x1, x2 = _int32_if_both_bool(*_pair(x1, x2))
    if not isinstance(x1, torch.Tensor):
        x1 = torch.as_tensor(x1, dtype=x2.dtype, device=x2.device)
    return torch.floor_divide(x1, x2)


def mod(x1, x2):
    x1, x2 = _int32_if_both_bool(*_pair(x1, x2))
    if not isinstance(x1, torch.Tensor):
        x1 = torch.as_tensor(x1, dtype=x2.dtype, device=x2.device)
    return torch.remainder(x1, x2)


def power(x1, x2):
    x1, x2 = _int32_if_both_bool(*_pair(x1, x2))
    return torch.pow(x1, x2)


def negative(x):
    return torch.neg(_t(x))


def absolute(x):
    return torch.abs(_t(x))


abs = absolute


def sign(x):
    return torch.sign(_t(x))


def _float(x):
    x = _t(x)
    return x if x.is_floating_point() or x.is_complex() else x.to(to_torch_dtype(None))


def sqrt(x):
    return torch.sqrt(_float(x))


def square(x):
    return torch.square(_t(x))


def exp(x):
    return torch.exp(_float(x))


def expm1(x):
    return torch.expm1(_float(x))


def log(x):
    return torch.log(_float(x))


def log1p(x):
    return torch.log1p(_float(x))


def log2(x):
    return torch.log2(_float(x))


def log10(x):
    return torch.log10(_float(x))


def logaddexp(x1, x2):
    x1, x2 = _t(x1), _t(x2)
    return torch.logaddexp(_float(x1), _float(x2))


def reciprocal(x):
    return torch.reciprocal(_float(x))


def sin(x):
    return torch.sin(_float(x))


def cos(x):
    return torch.cos(_float(x))


def tan(x):
    return torch.tan(_float(x))


def arctan(x):
    return torch.arctan(_float(x))


def sinh(x):
    return torch.sinh(_float(x))


def cosh(x):
    return torch.cosh(_float(x))


def tanh(x):
    return torch.tanh(_float(x))


def floor(x):
    return torch.floor(_t(x))


def ceil(x):
    return torch.ceil(_t(x))


def round(x, decimals=0):
    x = _t(x)
    if not (x.is_floating_point() or x.is_complex()):
        if decimals >= 0:
            return x  # integers are already rounded; torch has no integer round kernel
        factor = 10 ** (-decimals)
        rounded = torch.round(x.to(torch.float64) / factor) * factor
        return rounded.to(x.dtype)
    return torch.round(x, decimals=decimals)


def clip(x, x_min, x_max):
    x = _t(x)
    if x.dtype == torch.bool:
        x = x.to(torch.int32)
    return torch.clamp(x, min=x_min, max=x_max)


def maximum(x1, x2):
    x1, x2 = _pair(x1, x2)
    if not isinstance(x1, torch.Tensor):
        x1, x2 = x2, x1
    if not isinstance(x2, torch.Tensor):
        if x1.dtype == torch.bool:  # clamp has no bool kernel
            return torch.maximum(x1, torch.as_tensor(x2, dtype=torch.bool, device=x1.device))
        return torch.clamp(x1, min=x2)
    return torch.maximum(x1, x2)


def minimum(x1, x2):
    x1, x2 = _pair(x1, x2)
    if not isinstance(x1, torch.Tensor):
        x1, x2 = x2, x1
    if not isinstance(x2, torch.Tensor):
        if x1.dtype == torch.bool:  # clamp has no bool kernel
            return torch.minimum(x1, torch.as_tensor(x2, dtype=torch.bool, device=x1.device))
        return torch.clamp(x1, max=x2)
    return torch.minimum(x1, x2)


def where(condition, x1=None, x2=None):
    condition = _t(condition).to(torch.bool)
    if x1 is None and x2 is None:
        return torch.nonzero(condition, as_tuple=True)
    x1, x2 = _pair(x1, x2)
    return torch.where(condition, x1, x2)


# ---- comparison and logic -----------------------------------------------------------------


def equal(x1, x2):
    x1, x2 = _pair(x1, x2)
    return torch.eq(x1, x2) if isinstance(x1, torch.Tensor) else torch.eq(x2, x1)


def not_equal(x1, x2):
    x1, x2 = _pair(x1, x2)
    return torch.ne(x1, x2) if isinstance(x1, torch.Tensor) else torch.ne(x2, x1)


def less(x1, x2):
    x1, x2 = _pair(x1, x2)
    return torch.lt(x1, x2) if isinstance(x1, torch.Tensor) else torch.gt(x2, x1)


def less_equal(x1, x2):
    x1, x2 = _pair(x1, x2)
    return torch.le(x1, x2) if isinstance(x1, torch.Tensor) else torch.ge(x2, x1)


def greater(x1, x2):
    x1, x2 = _pair(x1, x2)
    return torch.gt(x1, x2) if isinstance(x1, torch.Tensor) else torch.lt(x2, x1)


def greater_equal(x1, x2):
    x1, x2 = _pair(x1, x2)
    return torch.ge(x1, x2) if isinstance(x1, torch.Tensor) else torch.le(x2, x1)


def logical_and(x1, x2):
    return torch.logical_and(_t(x1), _t(x2))


def logical_or(x1, x2):
    return torch.logical_or(_t(x1), _t(x2))


def logical_not(x):
    return torch.logical_not(_t(x))


def isnan(x):
    return torch.isnan(_t(x))


def isinf(x):
    return torch.isinf(_t(x))


def isfinite(x):
    return torch.isfinite(_t(x))


# ---- linear algebra-ish -------------------------------------------------------------------


def matmul(x1, x2):
    x1, x2 = _t(x1), _t(x2)
    if x1.dtype != x2.dtype:
        dtype = to_torch_dtype(result_type(dtype_name(x1), dtype_name(x2)))
        x1, x2 = x1.to(dtype), x2.to(dtype)
    return torch.matmul(x1, x2)


def dot(x1, x2):
    x1, x2 = _t(x1), _t(x2)
    if x1.ndim == 0 or x2.ndim == 0:
        return torch.mul(x1, x2)
    return matmul(x1, x2)


def tensordot(x1, x2, axes=2):
    return torch.tensordot(_t(x1), _t(x2), dims=axes)


def einsum(subscripts, *operands):
    operands = [_t(x) for x in operands]
    if core.dtensor_type is not None and builtins.any(
        isinstance(x, core.dtensor_type) for x in operands
    ):
        return _dtensor_einsum(subscripts, operands)
    return torch.einsum(subscripts, *operands)


def _dtensor_einsum(subscripts, operands):
    """einsum with a variable split by ModelParallel: DTensor's own einsum where its
    sharding rules apply, else on the operands made whole (``Replicate``) first, which
    some layouts need (its decomposition views a split dimension)."""
    try:
        return torch.einsum(subscripts, *operands)
    except RuntimeError:
        from torch.distributed.tensor import Replicate

        whole = [
            x.redistribute(x.device_mesh, [Replicate()] * x.device_mesh.ndim)
            if isinstance(x, core.dtensor_type)
            else x
            for x in operands
        ]
        return torch.einsum(subscripts, *whole)


def outer(x1, x2):
    return torch.outer(torch.flatten(_t(x1)), torch.flatten(_t(x2)))


# ---- reductions ---------------------------------------------------------------------------


def _accumulator_dtype(x):
    """Keras keeps an integer sum in its input dtype; bool and narrow ints give int32.

    torch promotes every integer sum and product to int64; this undoes that.
    """
    if x.dtype in (torch.bool, torch.uint8, torch.int8, torch.int16):
        return torch.int32
    return x.dtype


def sum(x, axis=None, keepdims=False):
    x = _t(x)
    dtype = _accumulator_dtype(x)
    if axis is None:
        out = torch.sum(x, dtype=dtype)
        return out.reshape((1,) * x.ndim) if keepdims else out
    return torch.sum(x, dim=_axes(axis), keepdim=keepdims, dtype=dtype)


def mean(x, axis=None, keepdims=False):
    x = _float(x)
    if axis is None:
        out = torch.mean(x)
        return out.reshape((1,) * x.ndim) if keepdims else out
    return torch.mean(x, dim=_axes(axis), keepdim=keepdims)


def prod(x, axis=None, keepdims=False, dtype=None):
    x = _t(x)
    dtype = _accumulator_dtype(x) if dtype is None else to_torch_dtype(dtype)
    if axis is None:
        out = torch.prod(x, dtype=dtype)
        return out.reshape((1,) * x.ndim) if keepdims else out
    if isinstance(axis, (list, tuple)):
        for dim in sorted((d % x.ndim for d in axis), reverse=True):
            x = torch.prod(x, dim=dim, keepdim=keepdims, dtype=dtype)
        return x
    return torch.prod(x, dim=axis, keepdim=keepdims, dtype=dtype)


def max(x, axis=None, keepdims=False, initial=None):
    x = _t(x)
    out = torch.amax(x, dim=() if axis is None else _axes(axis), keepdim=keepdims)
    return out if initial is None else torch.clamp(out, min=initial)


def min(x, axis=None, keepdims=False, initial=None):
    x = _t(x)
    out = torch.amin(x, dim=() if axis is None else _axes(axis), keepdim=keepdims)
    return out if initial is None else torch.clamp(out, max=initial)


amax = max
amin = min


def var(x, axis=None, keepdims=False):
    x = _float(x)
    return torch.var(x, dim=_axes(axis), keepdim=keepdims, correction=0)


def std(x, axis=None, keepdims=False):
    x = _float(x)
    return torch.std(x, dim=_axes(axis), keepdim=keepdims, correction=0)


def argmax(x, axis=None, keepdims=False):
    x = _t(x)
    if x.dtype == torch.bool:
        x = x.to(torch.uint8)  # torch's argmax has no bool kernel
    if axis is None:
        return torch.argmax(x.flatten()).to(torch.int32)
    return torch.argmax(x, dim=axis, keepdim=keepdims).to(torch.int32)


def argmin(x, axis=None, keepdims=False):
    x = _t(x)
    if x.dtype == torch.bool:
        x = x.to(torch.uint8)  # torch's argmin has no bool kernel
    if axis is None:
        return torch.argmin(x.flatten()).to(torch.int32)
    return torch.argmin(x, dim=axis, keepdim=keepdims).to(torch.int32)


def argsort(x, axis=-1):
    x = _t(x)
    if axis is None:
        x, axis = x.flatten(), 0
    return torch.argsort(x, dim=axis, stable=True).to(torch.int32)


def sort(x, axis=-1):
    x = _t(x)
    if axis is None:
        x, axis = x.flatten(), 0
    return torch.sort(x, dim=axis, stable=True).values


def cumsum(x, axis=None, dtype=None):
    x = _t(x)
    if axis is None:
        x, axis = x.flatten(), 0
    dtype = _accumulator_dtype(x) if dtype is None else to_torch_dtype(dtype)
    return torch.cumsum(x, dim=axis, dtype=dtype)


def cumprod(x, axis=None, dtype=None):
    x = _t(x)
    if axis is None:
        x, axis = x.flatten(), 0
    dtype = _accumulator_dtype(x) if dtype is None else to_torch_dtype(dtype)
    return torch.cumprod(x, dim=axis, dtype=dtype)


def any(x, axis=None, keepdims=False):
    x = _t(x).to(torch.bool)
    if axis is None:
        out = torch.any(x)
        return out.reshape((1,) * x.ndim) if keepdims else out
    return torch.any(x, dim=_axes(axis), keepdim=keepdims)


def all(x, axis=None, keepdims=False):
    x = _t(x).to(torch.bool)
    if axis is None:
        out = torch.all(x)
        return out.reshape((1,) * x.ndim) if keepdims else out
    return torch.all(x, dim=_axes(axis), keepdim=keepdims)


def count_nonzero(x, axis=None):
    return torch.count_nonzero(_t(x), dim=_axes(axis)).to(torch.int32)


# ---- shapes -------------------------------------------------------------------------------


def reshape(x, newshape):
    if isinstance(newshape, int):
        newshape = (newshape,)
    return torch.reshape(_t(x), tuple(newshape))


def transpose(x, axes=None):
    x = _t(x)
    if axes is None:
        axes = tuple(range(x.ndim - 1, -1, -1))
    return x.permute(*axes)


def swapaxes(x, axis1, axis2):
    return torch.swapaxes(_t(x), axis1, axis2)


def moveaxis(x, source, destination):
    return torch.movedim(_t(x), source, destination)


def expand_dims(x, axis):
    x = _t(x)
    if isinstance(axis, (list, tuple)):
        ndim = x.ndim + len(axis)
        for dim in sorted(d % ndim for d in axis):
            x = torch.unsqueeze(x, dim)
        return x
    return torch.unsqueeze(x, axis)


def squeeze(x, axis=None):
    x = _t(x)
    if axis is None:
        return torch.squeeze(x)
    if isinstance(axis, (list, tuple)):
        return torch.squeeze(x, dim=tuple(axis))
    return torch.squeeze(x, dim=axis)


def ravel(x):
    return torch.ravel(_t(x))


def _same_dtype(tensors):
    tensors = [_t(x) for x in tensors]
    dtypes = {x.dtype for x in tensors}
    if len(dtypes) > 1:
        dtype = to_torch_dtype(result_type(*[dtype_name(x) for x in tensors]))
        tensors = [x.to(dtype) for x in tensors]
    return tensors


def concatenate(xs, axis=0):
    return torch.cat(_same_dtype(xs), dim=axis)


def stack(x, axis=0):
    return torch.stack(_same_dtype(x), dim=axis)


def split(x, indices_or_sections, axis=0):
    x = _t(x)
    if isinstance(indices_or_sections, int):
        size = x.shape[axis]
        check_split_sections(size, indices_or_sections, axis)
        return list(torch.split(x, size // indices_or_sections, dim=axis))
    indices = [0, *list(indices_or_sections), x.shape[axis]]
    sizes = [b - a for a, b in zip(indices[:-1], indices[1:])]
    return list(torch.split(x, sizes, dim=axis))


def tile(x, repeats):
    x = _t(x)
    if isinstance(repeats, int):
        repeats = (repeats,)
    return torch.tile(x, tuple(repeats))


def repeat(x, repeats, axis=None):
    x = _t(x)
    if axis is None:
        x, axis = x.flatten(), 0
    return torch.repeat_interleave(x, repeats, dim=axis)


def broadcast_to(x, shape):
    return torch.broadcast_to(_t(x), tuple(shape))


def flip(x, axis=None):
    x = _t(x)
    if axis is None:
        axis = tuple(range(x.ndim))
    elif isinstance(axis, int):
        axis = (axis,)
    return torch.flip(x, dims=tuple(axis))


def take(x, indices, axis=None):
    x, indices = _t(x), _t(indices).to(torch.int64)
    if axis is None:
        return torch.take(x, indices)
    indices = torch.where(indices < 0, indices + x.shape[axis], indices)
    flat = torch.index_select(x, axis, indices.flatten())
    axis = axis % x.ndim
    return flat.reshape(x.shape[:axis] + indices.shape + x.shape[axis + 1 :])


def take_along_axis(x, indices, axis=None):
    x, indices = _t(x), _t(indices).to(torch.int64)
    if axis is None:
        return torch.take(x, indices.flatten())
    return torch.take_along_dim(x, indices, dim=axis)


def pad(x, pad_width, mode="constant", constant_values=None):
    x = _t(x)
    check_pad_mode(mode, constant_values)
    pad_width = np.broadcast_to(np.asarray(pad_width, dtype=np.int64), (x.ndim, 2))
    flat = []
    for before, after in pad_width[::-1]:
        flat.extend([int(before), int(after)])
    if mode == "constant":
        return torch.nn.functional.pad(x, flat, value=constant_values or 0)
    # torch's own reflect/replicate pads only the last 1-3 axes of batched inputs and has
    # no 'symmetric'; gathering along each axis with NumPy-computed indices has no limit.
    for axis, (before, after) in enumerate(pad_width):
        if before or after:
            indices = _pad_indices(x.shape[axis], int(before), int(after), mode)
            x = torch.index_select(x, axis, torch.as_tensor(indices, device=x.device))
    return x


def _pad_indices(size, before, after, mode):
    """Source index of each padded position along one axis, as ``np.pad`` picks it."""
    positions = np.arange(-before, size + after)
    if mode == "edge" or size == 1:
        return np.clip(positions, 0, size - 1)
    if mode == "reflect":  # mirror without repeating the edge: period 2 * (size - 1)
        period = 2 * (size - 1)
        folded = np.mod(positions, period)
        return np.where(folded >= size, period - folded, folded)
    period = 2 * size  # symmetric: the edge value is repeated
    folded = np.mod(positions, period)
    return np.where(folded >= size, period - 1 - folded, folded)


def tril(x, k=0):
    return torch.tril(_t(x), diagonal=k)


def triu(x, k=0):
    return torch.triu(_t(x), diagonal=k)


def diag(x, k=0):
    return torch.diag(_t(x), diagonal=k)


def size(x):
    return builtins.int(np.prod(_t(x).shape))


# ---- creation -----------------------------------------------------------------------------


def _shape_tuple(shape):
    return (shape,) if isinstance(shape, int) else tuple(shape)


def zeros(shape, dtype=None):
    return torch.zeros(_shape_tuple(shape), dtype=to_torch_dtype(dtype), device=get_device())


def ones(shape, dtype=None):
    return torch.ones(_shape_tuple(shape), dtype=to_torch_dtype(dtype), device=get_device())


def full(shape, fill_value, dtype=None):
    if dtype is None and isinstance(fill_value, (bool, int)):
        # Python ints give int32, as convert_to_tensor and Keras do (not int64).
        dtype = "bool" if isinstance(fill_value, bool) else "int32"
    return torch.full(
        _shape_tuple(shape), fill_value, dtype=to_torch_dtype(dtype), device=get_device()
    )


def zeros_like(x, dtype=None):
    x = _t(x)
    return torch.zeros_like(x, dtype=None if dtype is None else to_torch_dtype(dtype))


def ones_like(x, dtype=None):
    x = _t(x)
    return torch.ones_like(x, dtype=None if dtype is None else to_torch_dtype(dtype))


def full_like(x, fill_value, dtype=None):
    x = _t(x)
    return torch.full_like(x, fill_value, dtype=None if dtype is None else to_torch_dtype(dtype))


def arange(start, stop=None, step=None, dtype=None):
    if stop is None:
        start, stop = 0, start
    step = 1 if step is None else step  # Keras's default step is None, meaning 1
    if dtype is None:
        is_int = builtins.all(isinstance(v, int) for v in (start, stop, step))
        dtype = "int32" if is_int else None
    return torch.arange(start, stop, step, dtype=to_torch_dtype(dtype), device=get_device())


def linspace(start, stop, num=50, endpoint=True, retstep=False, dtype=None, axis=0):
    if dtype is None:
        dtype = result_type(getattr(start, "dtype", type(start)),
                            getattr(stop, "dtype", type(stop)), float)  # fmt: skip
    # Computed in float64 from tensors, so array-valued ends and ``axis`` work as in NumPy.
    start = convert_to_tensor(start, dtype="float64")
    stop = convert_to_tensor(stop, dtype="float64")
    divisions = num - 1 if endpoint else num
    step = (stop - start) / divisions if divisions > 0 else torch.full_like(stop - start, np.nan)
    ndim = builtins.max(start.ndim, stop.ndim)
    index = torch.arange(num, dtype=torch.float64, device=get_device())
    # With no division (num=1 and endpoint) the step is NaN, as NumPy's, but the sample is
    # ``start``.
    stride = step if divisions > 0 else torch.zeros_like(step)
    samples = start + index.reshape((num,) + (1,) * ndim) * stride  # (num, *broadcast shape)
    if endpoint and num > 1:
        samples[-1] = stop  # the last sample is ``stop`` exactly, as NumPy makes it
    samples = torch.movedim(samples, 0, axis).to(to_torch_dtype(dtype))
    return (samples, step.to(samples.dtype)) if retstep else samples


def eye(N, M=None, k=0, dtype=None):
    M = N if M is None else M
    out = torch.zeros((N, M), dtype=to_torch_dtype(dtype), device=get_device())
    rows = torch.arange(builtins.max(0, -k), builtins.min(N, M - k), device=get_device())
    out[rows, rows + k] = 1
    return out


def identity(n, dtype=None):
    return eye(n, dtype=dtype)


def copy(x):
    return _t(x).clone()


def astype(x, dtype):
    return _t(x).to(to_torch_dtype(dtype))


def get_dtype_name(x) -> str:
    return dtype_name(_t(x))
