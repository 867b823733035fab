"""Neural-network functions on PyTorch: activations, convolution, pooling, normalization, losses.

Images and sequences arrive channels_last (Keras's default). torch's kernels are declared
channels_first, so inputs are permuted to NC... as a *view*: the permuted tensor has torch's
``channels_last`` strides, which its convolution and pooling kernels take directly, and the
outputs come back in that layout, so permuting back is a view too. No copy in between.
"""

from __future__ import annotations

import math as _math

import torch
import torch.nn.functional as F

from lamina.backend import config
from lamina.backend.common import normalization
from lamina.backend.common.argument_checks import check_same_shape, check_sparse_target_rank
from lamina.backend.common.conv_shapes import (
    adaptive_output_size,
    check_padding,
    conv_transpose_arguments,
    conv_transpose_crop,
    conv_transpose_length,
    per_axis,
    same_padding,
)
from lamina.backend.common.cross_entropy import probability_bounds
from lamina.backend.config import standardize_data_format
from lamina.backend.torch import core
from lamina.backend.torch.core import cast, convert_to_tensor, dtype_name, to_torch_dtype

_t = convert_to_tensor


def _float(x):
    x = _t(x)
    return x if x.is_floating_point() else x.to(to_torch_dtype(None))


# ---- activations --------------------------------------------------------------------------


def relu(x):
    x = _t(x)
    # Integers keep their dtype, as in Keras (jax.nn.relu); only bool computes in floatx.
    return F.relu(_float(x) if x.dtype == torch.bool else x)


def relu6(x):
    x = _t(x)
    if x.is_floating_point() or x.dtype == torch.bool:
        return F.relu6(_float(x))
    return torch.clamp(x, 0, 6)  # hardtanh refuses unsigned integers


def relu_in_place(x, max_value=None):
    """``relu(x)``, capped at ``max_value``, written over ``x`` (layers/in_place.py donates
    it); ``None`` where autograd may need ``x`` or ``x`` is not a float tensor."""
    if not isinstance(x, torch.Tensor) or not x.is_floating_point():
        return None
    if x.requires_grad and torch.is_grad_enabled():
        return None
    return F.relu_(x) if max_value is None else x.clamp_(0.0, float(max_value))


def sigmoid(x):
    return torch.sigmoid(_float(x))


def tanh(x):
    return torch.tanh(_float(x))


def softplus(x):
    return F.softplus(_float(x))


def softsign(x):
    return F.softsign(_float(x))


def silu(x):
    return F.silu(_float(x))


def gelu(x, approximate=True):
    return F.gelu(_float(x), approximate="tanh" if approximate else "none")


def elu(x, alpha=1.0):
    return F.elu(_float(x), alpha=alpha)


def selu(x):
    return F.selu(_float(x))


def leaky_relu(x, negative_slope=0.2):
    return F.leaky_relu(_float(x), negative_slope=negative_slope)


def hard_sigmoid(x):
    return F.hardsigmoid(_float(x))


def hard_silu(x):
    return F.hardswish(_float(x))


def log_sigmoid(x):
    return F.logsigmoid(_float(x))


def softmax(x, axis=-1):
    x = _float(x)
    if axis is None or isinstance(axis, (tuple, list)):
        dims = tuple(range(x.ndim)) if axis is None else tuple(axis)
        exp = torch.exp(x - torch.amax(x, dim=dims, keepdim=True))
        return exp / torch.sum(exp, dim=dims, keepdim=True)
    return torch.softmax(x, dim=axis)


def log_softmax(x, axis=-1):
    x = _float(x)
    if axis is None or isinstance(axis, (tuple, list)):
        dims = tuple(range(x.ndim)) if axis is None else tuple(axis)
        return x - torch.logsumexp(x, dim=dims, keepdim=True)
    return torch.log_softmax(x, dim=axis)


def one_hot(x, num_classes, axis=-1, dtype=None, sparse=False):
    # Dense only: ops.one_hot refuses sparse=True before calling here.
    x = _t(x).to(torch.int64)
    out = F.one_hot(torch.clamp(x, min=0), num_classes)  # (..., C)
    out = out * (x >= 0).unsqueeze(-1)  # negative ids give all-zero rows, as in Keras
    if axis != -1:
        out = torch.movedim(out, -1, axis)
    return out.to(to_torch_dtype(dtype))


# ---- convolution and pooling --------------------------------------------------------------


def _to_channels_first(x, data_format):
    if data_format == "channels_first":
        return x
    rank = x.ndim - 2
    return x.permute(0, rank + 1, *range(1, rank + 1))  # a view: (N, C, *spatial)


def _to_channels_last(x, data_format):
    if data_format == "channels_first":
        return x
    rank = x.ndim - 2
    return x.permute(0, *range(2, rank + 2), 1)


def _pad_spatial(x, pads, value=0.0):
    flat = []
    for before, after in reversed(pads):
        flat.extend([before, after])
    return F.pad(x, flat, value=value)


_CONV = {1: F.conv1d, 2: F.conv2d, 3: F.conv3d}


def conv(inputs, kernel, strides=1, padding="valid", data_format=None, dilation_rate=1, bias=None):
    """N-D convolution. ``kernel`` is Keras-shaped: (*spatial, in_channels / groups, filters);
    ``bias`` (filters,), when given, is added by the convolution kernel itself."""
    padding = check_padding(padding)
    return _convolve(inputs, kernel, strides, padding, data_format, dilation_rate, bias)


def conv_with_pads(inputs, kernel, strides, pads, data_format=None, dilation_rate=1, bias=None):
    """``conv`` of ``inputs`` padded with zeros by ``pads`` ((before, after) per spatial
    axis) with padding "valid": a ZeroPadding layer folded into the convolution after it
    (layers/folded_padding.py), without a padded copy of the input where it can be avoided."""
    return _convolve(inputs, kernel, strides, tuple(pads), data_format, dilation_rate, bias)


def _convolve(inputs, kernel, strides, padding, data_format, dilation_rate, bias):
    data_format = standardize_data_format(data_format)
    inputs, kernel = _t(inputs), _t(kernel)
    rank = inputs.ndim - 2
    strides = per_axis(strides, rank, "strides")
    dilation = per_axis(dilation_rate, rank, "dilation_rate")
    x = _to_channels_first(inputs, data_format)
    w = kernel.permute(rank + 1, rank, *range(rank))  # (filters, in/groups, *spatial), a view
    if (
        data_format == "channels_last"
        and rank > 1
        and not _contiguous_channels_first(x)
        and not w.is_contiguous(memory_format=_CHANNELS_LAST[rank])
    ):
        w = _channels_last_weight(kernel)  # a kernel not stored as arrange_conv_kernel does
    groups = x.shape[1] // w.shape[1]
    if not x.is_floating_point():
        x = x.to(w.dtype)  # integer images: compute in the kernel's dtype
    elif x.dtype != w.dtype:
        w = w.to(x.dtype)
    torch_padding = 0
    if padding == "same":
        # Not torch's padding="same": with an even window it pads unevenly, copies the input
        # and warns. TF puts an odd zero after.
        pads = same_padding(x.shape[2:], w.shape[2:], strides, dilation)
        x, w, torch_padding = _zero_pads(x, w, pads, dilation)
    elif padding != "valid":
        x, w, torch_padding = _zero_pads(x, w, padding, dilation)
    if _contiguous_channels_first(x):
        x = x.contiguous()
    if bias is not None:
        bias = _t(bias)
        bias = bias.to(w.dtype) if bias.dtype != w.dtype else bias
    out = _CONV[rank](
        x, w, bias, stride=strides, padding=torch_padding, dilation=dilation, groups=groups
    )
    return _to_channels_last(out, data_format)


def _zero_pads(x, w, pads, dilation):
    """(x, w, torch's symmetric padding) for zero ``pads`` ((before, after) per axis) around
    ``x``. torch pads each axis evenly inside the convolution; an uneven pair becomes even
    padding by the larger amount with the kernel grown by zero taps on the side padded less
    (the same sums, no padded copy of the input: 4.4x faster for MobileNetV2's first
    stride-2 depthwise layer). Growing the kernel adds work per output, so it is done only
    where that work is small (depthwise kernels, or at most 4 input channels per group);
    elsewhere, and with dilation, the input is padded into a copy."""
    if all(before == after for before, after in pads):
        return x, w, tuple(before for before, _ in pads)
    if all(d == 1 for d in dilation) and w.shape[1] <= 4:
        grow = []
        for before, after in reversed(pads):
            grow.extend([max(after - before, 0), max(before - after, 0)])
        return x, F.pad(w, grow), tuple(max(before, after) for before, after in pads)
    return _pad_spatial(x, pads), w, 0


_CHANNELS_LAST = {2: torch.channels_last, 3: torch.channels_last_3d}


def _channels_last_weight(kernel):
    """The Keras kernel (*spatial, in/groups, filters) as torch's (filters, in/groups, *spatial)
    with channels_last strides, the layout torch's kernels want beside a channels_last input.

    Copied as one 2-D transpose of (spatial * in, filters), which torch does blockwise: handed
    the permuted view instead, torch copies it element by element, 3-4x slower (on the CPU a
    third of ResNet50's inference overhead over torch.nn).
    """
    rank = kernel.ndim - 2
    filters = kernel.shape[-1]
    rows = kernel.reshape(-1, filters).t().contiguous()  # (filters, spatial * in)
    rows = rows.view(filters, *kernel.shape[:-1])  # (filters, *spatial, in/groups)
    return rows.permute(0, rank + 1, *range(1, rank + 1))  # (filters, in/groups, *spatial)


# How convolution inputs are laid out for torch's kernels. "channels_last": the permuted
# NHWC tensor goes in as it is (a view with channels_last strides; no copy). "contiguous":
# it is copied to contiguous NCHW once, after which conv and pooling outputs stay NCHW in
# memory, so later layers need no copy either. Per device type; benchmarks/train_step.py
# measures both.
_CONV_LAYOUT = {"cpu": "channels_last", "cuda": "channels_last"}


def set_conv_layout(device_type: str, layout: str) -> None:
    if layout not in ("channels_last", "contiguous"):
        raise ValueError(f"layout must be 'channels_last' or 'contiguous'; received {layout!r}.")
    _CONV_LAYOUT[device_type] = layout


def _contiguous_channels_first(x) -> bool:
    return _CONV_LAYOUT.get(x.device.type, "channels_last") == "contiguous"


def depthwise_conv(inputs, kernel, strides=1, padding="valid", data_format=None, dilation_rate=1):
    """Depthwise convolution; ``kernel`` is (*spatial, in_channels, depth_multiplier)."""
    return conv(inputs, _grouped_kernel(kernel), strides, padding, data_format, dilation_rate)


def depthwise_conv_with_pads(inputs, kernel, strides, pads, data_format=None, dilation_rate=1):
    """``depthwise_conv`` after zero ``pads``, as ``conv_with_pads``."""
    kernel = _grouped_kernel(kernel)
    return _convolve(inputs, kernel, strides, tuple(pads), data_format, dilation_rate, None)


def _grouped_kernel(kernel):
    """A depthwise kernel (*spatial, in_channels, multiplier) as a grouped convolution's
    (*spatial, 1, in_channels * multiplier)."""
    kernel = _t(kernel)
    rank = kernel.ndim - 2
    in_channels, multiplier = kernel.shape[-2], kernel.shape[-1]
    return kernel.reshape(*kernel.shape[:rank], 1, in_channels * multiplier)


_CONV_TRANSPOSE = {1: F.conv_transpose1d, 2: F.conv_transpose2d, 3: F.conv_transpose3d}


def conv_transpose(
    inputs,
    kernel,
    strides=1,
    padding="valid",
    output_padding=None,
    data_format=None,
    dilation_rate=1,
):
    """Transposed convolution. ``kernel`` is Keras-shaped: (*spatial, filters, in_channels)."""
    data_format = standardize_data_format(data_format)
    inputs, kernel = _t(inputs), _t(kernel)
    rank = inputs.ndim - 2
    strides, dilation, output_padding, padding = conv_transpose_arguments(
        inputs.shape, kernel.shape, strides, padding, output_padding, data_format, dilation_rate
    )
    x = _to_channels_first(inputs, data_format)
    w = kernel.permute(rank + 1, rank, *range(rank))  # (in_channels, filters, *spatial)
    sizes, windows = x.shape[2:], w.shape[2:]
    lengths = [
        conv_transpose_length(n, k, s, padding, p, d)
        for n, k, s, p, d in zip(sizes, windows, strides, output_padding, dilation)
    ]
    crops = [
        conv_transpose_crop(n, k, s, d, padding, length)
        for n, k, s, d, length in zip(sizes, windows, strides, dilation, lengths)
    ]
    # torch crops ``padding`` from both ends of the full output (length
    # (size - 1) * stride + window) and then appends ``output_padding`` < max(stride,
    # dilation) positions. Ask for the crop at the start; whatever torch cannot express at
    # the end is sliced off (a view) or zero-padded after.
    full = [(n - 1) * s + (k - 1) * d + 1 for n, k, s, d in zip(sizes, windows, strides, dilation)]
    extra = [length - f + 2 * c for length, f, c in zip(lengths, full, crops)]
    torch_output_padding = [
        min(max(e, 0), max(s, d) - 1) for e, s, d in zip(extra, strides, dilation)
    ]
    if not x.is_floating_point():
        x = x.to(w.dtype)
    elif x.dtype != w.dtype:
        w = w.to(x.dtype)
    if _contiguous_channels_first(x):
        x = x.contiguous()
    out = _CONV_TRANSPOSE[rank](
        x,
        w,
        stride=strides,
        padding=tuple(crops),
        output_padding=tuple(torch_output_padding),
        dilation=dilation,
    )
    if any(e < 0 for e in extra):
        out = out[(slice(None), slice(None), *(slice(0, length) for length in lengths))]
    if any(e > p for e, p in zip(extra, torch_output_padding)):
        pads = [(0, max(length - n, 0)) for length, n in zip(lengths, out.shape[2:])]
        out = _pad_spatial(out, pads)
    return _to_channels_last(out, data_format)


_MAX_POOL = {1: F.max_pool1d, 2: F.max_pool2d, 3: F.max_pool3d}
_AVG_POOL = {1: F.avg_pool1d, 2: F.avg_pool2d, 3: F.avg_pool3d}


def _pool_args(inputs, pool_size, strides, data_format):
    data_format = standardize_data_format(data_format)
    inputs = _t(inputs)
    rank = inputs.ndim - 2
    pool_size = per_axis(pool_size, rank, "pool_size")
    strides = pool_size if strides is None else per_axis(strides, rank, "strides")
    return data_format, inputs, rank, pool_size, strides


def _even_padding(pads):
    """(before, ...) for the pooling kernel's own padding argument, or None when uneven.

    'same' never pads more than (window - 1) // 2 before, within torch's half-window limit.
    """
    return tuple(before for before, _ in pads) if all(a == b for a, b in pads) else None


def max_pool(inputs, pool_size, strides=None, padding="valid", data_format=None):
    data_format, inputs, rank, pool_size, strides = _pool_args(
        inputs, pool_size, strides, data_format
    )
    x = _to_channels_first(inputs, data_format)
    torch_padding = 0
    if check_padding(padding) == "same":
        # Even padding goes to the kernel (it pads with -inf, no copy); uneven padding is padded
        # here, with the extra -inf after, as TensorFlow does.
        pads = same_padding(x.shape[2:], pool_size, strides, (1,) * rank)
        torch_padding = _even_padding(pads)
        if torch_padding is None:
            torch_padding = 0
            x = _pad_spatial(x, pads, value=-_math.inf)
    out = _MAX_POOL[rank](x, kernel_size=pool_size, stride=strides, padding=torch_padding)
    return _to_channels_last(out, data_format)


def average_pool(inputs, pool_size, strides=None, padding="valid", data_format=None):
    data_format, inputs, rank, pool_size, strides = _pool_args(
        inputs, pool_size, strides, data_format
    )
    x = _to_channels_first(inputs, data_format)
    if check_padding(padding) == "same":
        # 'same' averages only the real values under the window (padding is not counted).
        pads = same_padding(x.shape[2:], pool_size, strides, (1,) * rank)
        even_padding = _even_padding(pads)
        # torch's count_include_pad=False gives wrong gradients on CUDA for channels_last
        # inputs (seen on an H200, torch 2.11): use it on the CPU only.
        if even_padding is not None and x.device.type == "cpu":
            out = _AVG_POOL[rank](
                x, pool_size, strides, padding=even_padding, count_include_pad=False
            )
        else:
            ones = torch.ones((1, 1, *x.shape[2:]), dtype=x.dtype, device=x.device)
            sums = _AVG_POOL[rank](_pad_spatial(x, pads), kernel_size=pool_size, stride=strides)
            counts = _AVG_POOL[rank](
                _pad_spatial(ones, pads), kernel_size=pool_size, stride=strides
            )
            out = sums / counts
    else:
        out = _AVG_POOL[rank](x, kernel_size=pool_size, stride=strides)
    return _to_channels_last(out, data_format)


# ---- normalization ------------------------------------------------------------------------


def _mean_and_variance(x, axes, keepdims):
    axes = tuple(axis % x.ndim for axis in ((axes,) if isinstance(axes, int) else axes))
    if x.ndim > 1 and x.ndim - 1 not in axes:
        # Statistics per channel of a channels_last batch (batch normalization): torch's
        # var_mean reduces over leading axes 2.5x slower on the CPU, and its backward costs
        # as much again (half of a MobileNetV2 training step). E[x^2] - E[x]^2, as Keras's
        # torch backend computes it: two fast reductions to the last axis.
        mean = torch.mean(x, dim=axes, keepdim=keepdims)
        variance = torch.mean(x * x, dim=axes, keepdim=keepdims) - mean * mean
        return mean, torch.clamp_min(variance, 0.0)  # rounding can leave it just below 0
    # One fused kernel reads x once for both statistics.
    variance, mean = torch.var_mean(x, dim=axes, keepdim=keepdims, correction=0)
    return mean, variance


moments = normalization.engine_moments(
    to_float=_float, cast=cast, dtype_name=dtype_name, mean_and_variance=_mean_and_variance
)


def _to_channel_shape(value, shape):
    return _t(value).reshape(shape)


def _scale_and_shift(centered, inverse, offset):
    # ``centered`` (x - mean) is a fresh tensor: outside autograd, scale and shift it in place
    # (Keras's torch backend does the same) instead of allocating two more activations, which
    # made batch normalization 5x torch's own kernel in a MobileNetV2 forward on the CPU.
    tensors = (centered, inverse) if offset is None else (centered, inverse, offset)
    traced = torch.is_grad_enabled() and any(t.requires_grad for t in tensors)
    promotes = any(torch.promote_types(centered.dtype, t.dtype) != centered.dtype for t in tensors)
    if traced or promotes:
        outputs = centered * inverse
        return outputs if offset is None else outputs + offset
    outputs = centered.mul_(inverse)
    return outputs if offset is None else outputs.add_(offset)


def batch_normalization(x, mean, variance, axis, offset=None, scale=None, epsilon=1e-3):
    x = _t(x)
    outputs = _native_batch_norm(x, mean, variance, axis, offset, scale, epsilon)
    if outputs is not None:
        return outputs
    return normalization.batch_normalization(
        x, mean, variance, axis, offset, scale, epsilon,
        to_channel_shape=_to_channel_shape, rsqrt=torch.rsqrt, scale_and_shift=_scale_and_shift,
    )  # fmt: skip


def _native_batch_norm(x, mean, variance, axis, offset, scale, epsilon):
    """torch's own inference batch norm, one pass over ``x`` (the composite takes three), when
    the statistics are fixed 1-D tensors of ``x``'s dtype (a layer's moving averages); None
    when it cannot serve: no gradient reaches ``mean`` or ``variance`` through it."""
    if x.ndim < 2 or not x.is_floating_point():
        return None
    channels = x.shape[axis]
    stats = [_t(value) for value in (mean, variance)]
    affine = [None if value is None else _t(value) for value in (scale, offset)]
    tensors = stats + [value for value in affine if value is not None]
    if any(t.shape != (channels,) or t.dtype != x.dtype for t in tensors):
        return None
    if torch.is_grad_enabled() and any(t.requires_grad for t in stats):
        return None  # batch statistics being trained through: the composite keeps their graph
    dtensor = core.dtensor_type
    if dtensor is not None and any(isinstance(t, dtensor) for t in (x, *tensors)):
        return None
    axis = axis % x.ndim
    channels_first = x.movedim(axis, 1)  # a view; NHWC becomes torch's channels_last NCHW
    outputs = F.batch_norm(
        channels_first, *stats, *affine, training=False, momentum=0.0, eps=epsilon
    )
    return outputs.movedim(1, axis)


# ---- losses -------------------------------------------------------------------------------


def _log_probabilities(output, from_logits, axis):
    if from_logits:
        return torch.log_softmax(output, dim=axis)
    output = output / torch.sum(output, dim=axis, keepdim=True)
    return torch.log(torch.clamp(output, *probability_bounds()))


def categorical_crossentropy(target, output, from_logits=False, axis=-1):
    target, output = _float(target), _float(output)
    check_same_shape("categorical_crossentropy", target.shape, output.shape)
    log_prob = _log_probabilities(output, from_logits, axis)
    return -torch.sum(target * log_prob, dim=axis)


_NO_IGNORED_ID = -(2**63)  # below every id: nll_loss then ignores none


def sparse_categorical_crossentropy(target, output, from_logits=False, axis=-1):
    target, output = _t(target), _float(output)
    if target.ndim == output.ndim and target.shape[-1] == 1:
        target = target.squeeze(-1)
    target = target.to(torch.int64)
    check_sparse_target_rank(target.shape, output.shape)
    log_prob = _log_probabilities(output, from_logits, axis)
    if log_prob.ndim == 2 and axis in (-1, 1):
        # (batch, classes): torch's nll_loss is the negated gather in one op each way
        # (forward and gradient) instead of five; no id is ignored (an id of -100 fails as
        # the gather does, instead of nll_loss's default ignore_index zeroing it).
        return F.nll_loss(log_prob, target, reduction="none", ignore_index=_NO_IGNORED_ID)
    if axis != -1:
        log_prob = torch.movedim(log_prob, axis, -1)
    return -torch.gather(log_prob, -1, target.unsqueeze(-1)).squeeze(-1)


def binary_crossentropy(target, output, from_logits=False):
    target, output = _float(target), _float(output)
    check_same_shape("binary_crossentropy", target.shape, output.shape)
    if from_logits:
        dtype = torch.promote_types(target.dtype, output.dtype)  # the kernel takes one dtype
        return F.binary_cross_entropy_with_logits(output.to(dtype), target.to(dtype),
                                                  reduction="none")  # fmt: skip
    output = torch.clamp(output, *probability_bounds())
    return -(target * torch.log(output) + (1.0 - target) * torch.log1p(-output))


# ---- adaptive pooling ---------------------------------------------------------------------

_ADAPTIVE_POOL = {
    "average": {1: F.adaptive_avg_pool1d, 2: F.adaptive_avg_pool2d, 3: F.adaptive_avg_pool3d},
    "max": {1: F.adaptive_max_pool1d, 2: F.adaptive_max_pool2d, 3: F.adaptive_max_pool3d},
}


def _adaptive_pool(inputs, output_size, data_format, mode):
    data_format = standardize_data_format(data_format)
    inputs = _t(inputs)
    rank = inputs.ndim - 2
    output_size = adaptive_output_size(output_size, rank, f"adaptive_{mode}_pool")
    x = _to_channels_first(inputs, data_format)  # a view, as for the fixed-window pools
    if mode == "average" and not x.is_floating_point():
        x = x.to(to_torch_dtype(config.floatx()))
    out = _ADAPTIVE_POOL[mode][rank](x, output_size)
    return _to_channels_last(out, data_format)


def adaptive_average_pool(inputs, output_size, data_format=None):
    """Mean over windows that split each spatial axis into ``output_size`` near-equal parts."""
    return _adaptive_pool(inputs, output_size, data_format, "average")


def adaptive_max_pool(inputs, output_size, data_format=None):
    """Maximum over windows that split each spatial axis into ``output_size`` parts."""
    return _adaptive_pool(inputs, output_size, data_format, "max")


def matmul_add(x1, x2, bias):
    """``x1 @ x2 + bias`` as one ``addmm`` (the kernel behind ``torch.nn.Linear``), for a 2-D
    ``x1`` with ``x2`` and ``bias`` of its dtype; None otherwise (Dense then runs matmul and
    add, with their dtype promotion and broadcasting)."""
    x1, x2, bias = _t(x1), _t(x2), _t(bias)
    if x1.ndim != 2 or x2.ndim != 2 or bias.ndim != 1 or not (x1.dtype == x2.dtype == bias.dtype):
        return None
    dtensor = core.dtensor_type
    if dtensor is not None and any(isinstance(x, dtensor) for x in (x1, x2, bias)):
        return None  # sharded weights keep the matmul path their placements were set up for
    return torch.addmm(bias, x1, x2)


def arrange_conv_kernel(variable, data_format=None, depthwise=False):
    """Stores a conv layer's Keras-shaped kernel variable, (*spatial, in/groups, filters) or
    depthwise (*spatial, in, multiplier), with its axes in memory as ``conv`` hands it to
    torch's kernel, so that the permuted view is used as it is: no copy of the kernel (nor
    of its gradient) per call. Readers still see the Keras shape."""
    rank = len(variable.shape) - 2
    data_format = standardize_data_format(data_format)
    device_type = variable._value.device.type
    if depthwise:
        order = (rank, rank + 1, *range(rank))  # (in, multiplier, *spatial): (in*mult, 1, ...)
    elif (
        data_format == "channels_last"
        and rank > 1
        and _CONV_LAYOUT.get(device_type, "channels_last") == "channels_last"
    ):
        order = (rank + 1, *range(rank), rank)  # (filters, *spatial, in): channels_last strides
    else:
        order = (rank + 1, rank, *range(rank))  # (filters, in, *spatial): contiguous
    variable._arrange(order)


def batch_normalization_training(x, axis, offset=None, scale=None, epsilon=1e-3):
    """Batch normalization by the batch's own statistics (a BatchNormalization layer in
    training) in torch's fused kernel, forward and backward: ``(outputs, mean, variance)``,
    the statistics without gradient (they feed the moving averages); None where the kernel
    cannot serve (the layer then runs moments and batch_normalization)."""
    x = _t(x)
    if x.ndim < 2 or x.dtype not in (torch.float32, torch.float64):
        return None
    channels = x.shape[axis]
    affine = [None if value is None else _t(value) for value in (scale, offset)]
    if any(v is not None and (v.shape != (channels,) or v.dtype != x.dtype) for v in affine):
        return None
    dtensor = core.dtensor_type
    if dtensor is not None and any(isinstance(t, dtensor) for t in (x, *affine)):
        return None
    axis = axis % x.ndim
    channels_first = x.movedim(axis, 1)  # a view; NHWC becomes torch's channels_last NCHW
    outputs, mean, inverse_std = torch.ops.aten._native_batch_norm_legit(
        channels_first, *affine, True, 0.0, epsilon
    )
    # The kernel keeps 1 / sqrt(variance + epsilon): the variance back, to float rounding.
    variance = torch.clamp_min(inverse_std.detach().pow(-2) - epsilon, 0.0)
    return outputs.movedim(1, axis), mean.detach(), variance

