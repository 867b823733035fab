"""The rest of the NumPy namespace on PyTorch: functions that need a native kernel.

Composites (nan-reductions, windows, stacking, ...) are written once in ``lamina.ops.numpy``;
only what cannot be composed from other ops lives here.
"""

from __future__ import annotations

import torch

from lamina.backend.common.argument_checks import check_correlate_mode
from lamina.backend.common.dtypes import result_type
from lamina.backend.common.integer_pairs import integer_pair_functions
from lamina.backend.torch.core import convert_to_tensor, dtype_name, to_torch_dtype
from lamina.backend.torch.numpy import _float, _pair

_t = convert_to_tensor
_INT32 = torch.int32


def _float_pair(x1, x2):
    """Two tensors in the dtype ``_pair`` settles, floatx where that is not a float."""
    x1, x2 = _pair(x1, x2)
    dtype = (x1 if isinstance(x1, torch.Tensor) else x2).dtype
    if not (dtype.is_floating_point or dtype.is_complex):
        dtype = to_torch_dtype(None)
    return _t(x1, dtype=dtype), _t(x2, dtype=dtype)


def _int_pair(x1, x2):
    x1, x2 = _pair(x1, x2)
    if not isinstance(x1, torch.Tensor):
        x1 = torch.as_tensor(x1, dtype=x2.dtype, device=x2.device)
    if not isinstance(x2, torch.Tensor):
        x2 = torch.as_tensor(x2, dtype=x1.dtype, device=x1.device)
    return x1, x2


# ---- element-wise -------------------------------------------------------------------------


def arccos(x):
    return torch.arccos(_float(x))


def arccosh(x):
    return torch.arccosh(_float(x))


def arcsin(x):
    return torch.arcsin(_float(x))


def arcsinh(x):
    return torch.arcsinh(_float(x))


def arctanh(x):
    return torch.arctanh(_float(x))


def arctan2(x1, x2):
    return torch.arctan2(*_float_pair(x1, x2))


def trunc(x):
    x = _t(x)
    return torch.trunc(x) if x.is_floating_point() else x


def signbit(x):
    x = _t(x)
    if x.dtype == torch.bool:
        return torch.zeros_like(x)
    return torch.signbit(x)


def i0(x):
    return torch.special.i0(_float(x))


def nextafter(x1, x2):
    return torch.nextafter(*_float_pair(x1, x2))


def fmod(x1, x2):
    x1, x2 = _int_pair(x1, x2)
    if x1.dtype == torch.bool:
        x1, x2 = x1.to(_INT32), x2.to(_INT32)
    return torch.fmod(x1, x2)


# torch names the shifts bitwise_left_shift and bitwise_right_shift.
_RENAMED = {"left_shift": "bitwise_left_shift", "right_shift": "bitwise_right_shift"}
gcd, lcm, bitwise_and, bitwise_or, bitwise_xor, left_shift, right_shift = integer_pair_functions(
    __name__, _int_pair, torch, renamed=_RENAMED
)


# ---- bitwise ------------------------------------------------------------------------------


def bitwise_invert(x):
    return torch.bitwise_not(_t(x))


# ---- complex parts ------------------------------------------------------------------------


def real(x):
    x = _t(x)
    return torch.real(x) if x.is_complex() else x


def imag(x):
    x = _t(x)
    return torch.imag(x) if x.is_complex() else torch.zeros_like(x)


def conj(x):
    x = _t(x)
    return torch.conj(x).resolve_conj() if x.is_complex() else x


def angle(x):
    return torch.angle(_float(x))


# ---- indexing, sorting, counting ----------------------------------------------------------


def roll(x, shift, axis=None):
    x = _t(x)
    if axis is None:
        return torch.roll(x.flatten(), shift).reshape(x.shape)
    return torch.roll(x, shift, dims=axis)


def searchsorted(sorted_sequence, values, side="left"):
    sorted_sequence, values = _t(sorted_sequence), _t(values)
    if sorted_sequence.dtype != values.dtype:
        dtype = to_torch_dtype(result_type(dtype_name(sorted_sequence), dtype_name(values)))
        sorted_sequence, values = sorted_sequence.to(dtype), values.to(dtype)
    return torch.searchsorted(sorted_sequence, values, side=side, out_int32=True)


def bincount(x, weights=None, minlength=0):
    x = _t(x)
    weights = None if weights is None else _t(weights)
    if x.ndim == 2:
        length = int(max(minlength, int(x.max()) + 1 if x.numel() else 0))
        rows = [
            bincount(row, None if weights is None else weights[i], length)
            for i, row in enumerate(x)
        ]
        return torch.stack(rows)
    if weights is None:
        return torch.bincount(x, minlength=minlength).to(_INT32)
    dtype = to_torch_dtype(result_type(dtype_name(x), dtype_name(weights)))
    # index_add (not torch.bincount, which has no derivative) so weights get gradients.
    length = max(minlength, int(x.max()) + 1 if x.numel() else 0)
    sums = torch.zeros(length, dtype=torch.float64, device=weights.device)
    return sums.index_add(0, x.long(), weights.to(torch.float64)).to(dtype)


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
        x, axis = x.flatten(), 0
    values, inverse, counts = torch.unique(
        x, sorted=True, return_inverse=True, return_counts=True, dim=axis
    )
    positions = torch.arange(inverse.shape[0], device=x.device)
    first = torch.full((counts.shape[0],), inverse.shape[0], device=x.device, dtype=torch.int64)
    first = first.scatter_reduce(0, inverse, positions, reduce="amin")
    return values, first.to(_INT32), inverse.to(_INT32), counts.to(_INT32)


def _move_to_last(x, axis):
    """``x`` with the ``axis`` (an int or a tuple) flattened into one last axis."""
    if axis is None:
        return x.flatten(), 0
    axes = (axis,) if isinstance(axis, int) else tuple(axis)
    axes = tuple(a % x.ndim for a in axes)
    kept = [d for d in range(x.ndim) if d not in axes]
    x = x.permute(*kept, *axes)
    return x.reshape(*[x.shape[i] for i in range(len(kept))], -1), len(kept)


def _quantile(function, x, q, axis, method, keepdims):
    x = _float(x)
    compute_dtype = torch.float32 if x.dtype in (torch.float16, torch.bfloat16) else x.dtype
    q = _t(q).to(compute_dtype)
    original_ndim = x.ndim
    flat, dim = _move_to_last(x.to(compute_dtype), axis)
    out = function(flat, q, dim=dim, interpolation=method)
    if keepdims:
        axes = range(original_ndim) if axis is None else ([axis] if isinstance(axis, int) else axis)
        for a in sorted(a % original_ndim for a in axes):
            out = out.unsqueeze(a + q.ndim)
    return out.to(x.dtype)


def quantile(x, q, axis=None, method="linear", keepdims=False):
    return _quantile(torch.quantile, x, q, axis, method, keepdims)


def nanquantile(x, q, axis=None, method="linear", keepdims=False):
    return _quantile(torch.nanquantile, x, q, axis, method, keepdims)


def view(x, dtype=None):
    x = _t(x)
    return x if dtype is None else x.view(to_torch_dtype(dtype))


def slogdet(x):
    sign, logabsdet = torch.linalg.slogdet(_float(x))
    return sign, logabsdet


def correlate(x1, x2, mode="valid"):
    x1, x2 = _float_pair(x1, x2)
    check_correlate_mode(mode)
    if x1.shape[0] < x2.shape[0]:  # NumPy swaps so the longer one slides; the result reverses
        return torch.flip(correlate(x2, x1, mode), dims=(0,))
    length = x2.shape[0]
    padding = {"valid": 0, "full": length - 1, "same": None}[mode]
    if padding is None:
        left = length // 2  # NumPy centres 'same' on the full output's middle
        x1 = torch.nn.functional.pad(x1, (left, length - 1 - left))
        padding = 0
    out = torch.nn.functional.conv1d(x1[None, None], x2[None, None], padding=padding)
    return out[0, 0]


def diagonal(x, offset=0, axis1=0, axis2=1):
    return torch.diagonal(_t(x), offset=offset, dim1=axis1, dim2=axis2)


def vectorize(pyfunc, excluded=None, signature=None):
    """``pyfunc`` mapped over the leading (broadcast) axes, through ``torch.vmap``."""
    excluded = set() if excluded is None else set(excluded)
    core_ndims = _core_ndims(signature)

    def vectorized(*args, **kwargs):
        positions = [i for i in range(len(args)) if i not in excluded]
        tensors = [_t(args[i]) for i in positions]
        ndims = core_ndims or [0] * len(tensors)
        loop_shapes = [t.shape[: t.ndim - n] for t, n in zip(tensors, ndims)]
        loop_shape = torch.broadcast_shapes(*loop_shapes)
        flat = [
            t.expand(*loop_shape, *t.shape[t.ndim - n :]).reshape(-1, *t.shape[t.ndim - n :])
            for t, n in zip(tensors, ndims)
        ]

        def call(*items):
            full = list(args)
            for i, item in zip(positions, items):
                full[i] = item
            return pyfunc(*full, **kwargs)

        out = torch.vmap(call)(*flat)
        if isinstance(out, (tuple, list)):
            return type(out)(o.reshape(*loop_shape, *o.shape[1:]) for o in out)
        return out.reshape(*loop_shape, *out.shape[1:])

    return vectorized


def _core_ndims(signature):
    if signature is None:
        return None
    inputs = signature.split("->")[0]
    groups = inputs.replace(" ", "").split("),(")
    return [len([d for d in g.strip("()").split(",") if d]) for g in groups]
