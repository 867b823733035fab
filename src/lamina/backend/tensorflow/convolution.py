"""Convolutions on TensorFlow: ``conv``, ``depthwise_conv`` and ``conv_transpose`` for
``lamina.backend.tensorflow.nn``, and the layout helpers its pooling shares.

TensorFlow's CPU kernels take channels_last (NHWC) only, so channels_first inputs are
transposed around them. 'same' padding is TensorFlow's own (the rule Keras defines), passed
through as ``"SAME"``. Where a kernel cannot run a call (strides with dilation, grouped
convolutions, unequal depthwise strides, transposed lengths its gradient op refuses) the
call is rewritten into ones it can run, rather than compiled with XLA on every eager call.
"""

from __future__ import annotations

import numpy as np
import tensorflow as tf

from lamina.backend.common.conv_shapes import (
    check_padding,
    conv_transpose_arguments,
    conv_transpose_length,
    per_axis,
    same_padding,
)
from lamina.backend.config import standardize_data_format
from lamina.backend.tensorflow.core import convert_to_tensor

_t = convert_to_tensor


# ---- layout -------------------------------------------------------------------------------


def to_channels_last(x, data_format):
    if data_format == "channels_last":
        return x
    rank = x.shape.rank - 2
    return tf.transpose(x, [0, *range(2, rank + 2), 1])


def from_channels_last(x, data_format):
    if data_format == "channels_last":
        return x
    rank = x.shape.rank - 2
    return tf.transpose(x, [0, rank + 1, *range(1, rank + 1)])


TF_FORMATS = {1: "NWC", 2: "NHWC", 3: "NDHWC"}


def _pad_spatial(x, pads, value=0):
    """Pad the spatial axes of a channels_last tensor by ``pads`` ((before, after) each)."""
    return tf.pad(x, [(0, 0), *pads, (0, 0)], constant_values=value)


def _subsample(x, strides):
    """Every ``stride``-th position of each spatial axis of a channels_last tensor."""
    return x[(slice(None), *(slice(None, None, s) for s in strides), slice(None))]


# ---- convolution --------------------------------------------------------------------------


def _both_integer(x, kernel) -> bool:
    return x.dtype.is_integer and kernel.dtype.is_integer


def _as_float64(x, kernel):
    """Integer operands in float64: TF's CPU kernels refuse most integer dtypes (Keras's
    torch engine takes them), and float64 holds their sums of products exactly."""
    return tf.cast(x, tf.float64), tf.cast(kernel, tf.float64)


def _match_dtypes(x, kernel):
    if not x.dtype.is_floating:
        return tf.cast(x, kernel.dtype), kernel  # integer images: compute in the kernel's dtype
    if x.dtype != kernel.dtype:
        kernel = tf.cast(kernel, x.dtype)
    return x, kernel


def _block_diagonal(kernel, groups):
    """A grouped kernel (*spatial, in / groups, filters) as a dense one (*spatial, in,
    filters) with zeros outside each group's block: for a few groups, one dense call beats
    ``groups`` small ones."""
    rank = kernel.shape.rank - 2
    per_group_in, filters = kernel.shape[-2], kernel.shape[-1]
    per_group_out = filters // groups
    # mask[i, f] = 1 where input channel i and filter f belong to the same group: (in, filters)
    in_group = np.arange(per_group_in * groups) // per_group_in
    out_group = np.arange(filters) // per_group_out
    mask = (in_group[:, None] == out_group[None, :]).astype(kernel.dtype.as_numpy_dtype)
    tiled = tf.tile(kernel, [1] * rank + [groups, 1])  # (*spatial, in, filters)
    return tiled * mask


_MAX_BLOCK_DIAGONAL_GROUPS = 4  # past this, the zeros cost more than one call per group


def _grouped(x, kernel, groups, strides, padding, dilation):
    """A grouped convolution, which TensorFlow's CPU kernels lack: depthwise where each group
    has one input channel (1-D and 2-D), else a block-diagonal kernel for a few groups, else
    one convolution per group."""
    rank = x.shape.rank - 2
    if kernel.shape[-2] == 1 and rank <= 2:
        # Filter c * M + m of group c is depthwise filter m of channel c: (*spatial, C, M).
        depthwise = tf.reshape(kernel, (*kernel.shape[:rank], groups, kernel.shape[-1] // groups))
        return _depthwise(x, depthwise, strides, padding, dilation)
    if groups <= _MAX_BLOCK_DIAGONAL_GROUPS:
        return _convolve(x, _block_diagonal(kernel, groups), strides, padding, dilation)
    pieces = zip(tf.split(x, groups, axis=-1), tf.split(kernel, groups, axis=-1))
    outputs = [_convolve(part, weights, strides, padding, dilation) for part, weights in pieces]
    return tf.concat(outputs, axis=-1)


def _convolve(x, kernel, strides, padding, dilation):
    """A channels_last convolution with a dense kernel (*spatial, in, filters)."""
    rank = x.shape.rank - 2
    if any(s > 1 for s in strides) and any(d > 1 for d in dilation):
        # TensorFlow runs dilation only at stride 1: pad as the strided call would, convolve
        # every position, keep every stride-th.
        if padding == "same":
            pads = same_padding(x.shape[1:-1], kernel.shape[:rank], strides, dilation)
            x = _pad_spatial(x, pads)
        out = tf.nn.convolution(x, kernel, 1, "VALID", TF_FORMATS[rank], dilation)
        return _subsample(out, strides)
    # The layout is named even though it is the default: tf.nn.convolution otherwise records
    # no data_format on an eager Conv3D, and its gradient then fails to read it.
    return tf.nn.convolution(x, kernel, strides, padding.upper(), TF_FORMATS[rank], dilation)


def conv(inputs, kernel, strides=1, padding="valid", data_format=None, dilation_rate=1, bias=None):
    """N-D convolution. ``kernel`` is Keras-shaped: (*spatial, in_channels / groups, filters);
    ``bias`` (filters,), when given, is added to the output channels."""
    data_format = standardize_data_format(data_format)
    inputs, kernel = _t(inputs), _t(kernel)
    if _both_integer(inputs, kernel):
        out = conv(*_as_float64(inputs, kernel), strides, padding, data_format, dilation_rate, bias)
        return tf.cast(out, kernel.dtype)
    rank = inputs.shape.rank - 2
    strides = per_axis(strides, rank, "strides")
    dilation = per_axis(dilation_rate, rank, "dilation_rate")
    padding = check_padding(padding)
    x, kernel = _match_dtypes(to_channels_last(inputs, data_format), kernel)
    groups = x.shape[-1] // kernel.shape[-2]
    if groups > 1:
        out = _grouped(x, kernel, groups, strides, padding, dilation)
    else:
        out = _convolve(x, kernel, strides, padding, dilation)
    if bias is not None:
        out = tf.nn.bias_add(out, tf.cast(_t(bias), out.dtype))
    return from_channels_last(out, data_format)


def _depthwise(x, kernel, strides, padding, dilation):
    """A channels_last 1-D or 2-D depthwise convolution; ``kernel`` is (*spatial, in, M)."""
    rank = x.shape.rank - 2
    if rank == 1:
        # As a 2-D call on (N, 1, W, C) with a (1, k) window: any stride or dilation along
        # the unit height keeps it 1, and the kernel wants them equal on both axes.
        x, kernel = x[:, None], kernel[None]
        strides, dilation = (strides[0],) * 2, (dilation[0],) * 2
    if strides[0] != strides[1] or (max(strides) > 1 and max(dilation) > 1):
        # The CPU kernel takes one stride for both axes, and no stride with dilation: pad
        # as the strided call would, run at stride 1, keep every stride-th position.
        if padding == "same":
            x = _pad_spatial(x, same_padding(x.shape[1:-1], kernel.shape[:2], strides, dilation))
        out = tf.nn.depthwise_conv2d(x, kernel, (1, 1, 1, 1), "VALID", dilations=dilation)
        out = _subsample(out, strides)
    else:
        out = tf.nn.depthwise_conv2d(
            x, kernel, (1, *strides, 1), padding.upper(), dilations=dilation
        )
    return out[:, 0] if rank == 1 else out


def depthwise_conv(inputs, kernel, strides=1, padding="valid", data_format=None, dilation_rate=1):
    """Depthwise convolution; ``kernel`` is (*spatial, in_channels, depth_multiplier)."""
    data_format = standardize_data_format(data_format)
    inputs, kernel = _t(inputs), _t(kernel)
    if _both_integer(inputs, kernel):
        x, weights = _as_float64(inputs, kernel)
        out = depthwise_conv(x, weights, strides, padding, data_format, dilation_rate)
        return tf.cast(out, kernel.dtype)
    rank = inputs.shape.rank - 2
    if rank == 3:  # tf.nn has no 3-D depthwise kernel: a grouped convolution, one group each
        in_channels, multiplier = kernel.shape[-2], kernel.shape[-1]
        kernel = tf.reshape(kernel, (*kernel.shape[:rank], 1, in_channels * multiplier))
        return conv(inputs, kernel, strides, padding, data_format, dilation_rate)
    strides = per_axis(strides, rank, "strides")
    dilation = per_axis(dilation_rate, rank, "dilation_rate")
    padding = check_padding(padding)
    x, kernel = _match_dtypes(to_channels_last(inputs, data_format), kernel)
    out = _depthwise(x, kernel, strides, padding, dilation)
    return from_channels_last(out, data_format)


def shape_list(x):
    """The shape as a list: ints where static, scalar tensors where only the graph knows."""
    static = x.shape.as_list()
    if None not in static:
        return static
    dynamic = tf.shape(x)
    return [dynamic[i] if d is None else d for i, d in enumerate(static)]


def _native_transpose_fits(sizes, windows, strides, dilation, padding, lengths):
    """Whether tf.nn.conv_transpose accepts the output lengths: it runs only undilated, and
    only where the forward convolution of each length gives back the input size."""
    if any(d != 1 for d in dilation):
        return False
    for n, k, s, length in zip(sizes, windows, strides, lengths):
        forward = -(-length // s) if padding == "same" else (length - k) // s + 1
        if forward != n:
            return False
    return True


def _insert_zeros(x, strides):
    """``stride - 1`` zeros between neighbouring positions of each spatial axis of a
    channels_last tensor (a transposed convolution's input dilation)."""
    for axis, stride in enumerate(strides, start=1):
        if stride == 1:
            continue
        sizes = shape_list(x)
        expanded = tf.expand_dims(x, axis + 1)  # (..., n, 1, ...)
        pads = [(0, 0)] * (x.shape.rank + 1)
        pads[axis + 1] = (0, stride - 1)
        spread = tf.pad(expanded, pads)  # (..., n, stride, ...)
        merged = sizes[:axis] + [sizes[axis] * stride] + sizes[axis + 1 :]
        x = tf.reshape(spread, merged)[
            (slice(None),) * axis + (slice(0, (sizes[axis] - 1) * stride + 1),)
        ]
    return x


def _explicit_conv_transpose(x, kernel, strides, dilation, padding, lengths):
    """The transposed convolution as a plain one: the input with ``stride - 1`` zeros between
    positions, padded by ``window - 1`` less the 'same' crop, against the flipped kernel.
    Negative padding crops; padding past the full output appends zeros."""
    rank = x.shape.rank - 2
    sizes, windows = x.shape[1:-1], kernel.shape[:rank]
    pads = []
    for n, k, s, d, length in zip(sizes, windows, strides, dilation, lengths):
        effective = (k - 1) * d + 1
        crop = 0 if padding == "valid" else max((n - 1) * s + effective - length, 0) // 2
        pads.append((effective - 1 - crop, length - ((n - 1) * s + 1) + crop))
    x = _insert_zeros(x, strides)  # (N, (n - 1) * stride + 1, ..., C)
    x = _pad_spatial(x, [(max(before, 0), max(after, 0)) for before, after in pads])
    crops = [
        slice(max(-before, 0), size - max(-after, 0))
        for size, (before, after) in zip(x.shape[1:-1], pads)
    ]  # negative padding: cut from that side instead
    x = x[(slice(None), *crops, slice(None))]
    flipped = tf.reverse(kernel, axis=list(range(rank)))  # (*spatial, filters, in_channels)
    weights = tf.transpose(flipped, [*range(rank), rank + 1, rank])  # (*spatial, in, filters)
    return tf.nn.convolution(x, weights, 1, "VALID", TF_FORMATS[rank], dilation)


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
    rank = inputs.shape.rank - 2
    strides, dilation, output_padding, padding = conv_transpose_arguments(
        inputs.shape.as_list(),
        kernel.shape.as_list(),
        strides,
        padding,
        output_padding,
        data_format,
        dilation_rate,
    )
    x, kernel = _match_dtypes(to_channels_last(inputs, data_format), kernel)
    sizes, windows = x.shape[1:-1], kernel.shape[:rank]
    lengths = [
        conv_transpose_length(n, k, s, padding, p, d)
        for n, k, s, p, d in zip(sizes, windows, strides, output_padding, dilation)
    ]
    if _native_transpose_fits(sizes, windows, strides, dilation, padding, lengths):
        output_shape = [shape_list(x)[0], *lengths, kernel.shape[-2]]
        out = tf.nn.conv_transpose(
            x, kernel, output_shape, (1, *strides, 1), padding.upper(), TF_FORMATS[rank]
        )
    else:
        out = _explicit_conv_transpose(x, kernel, strides, dilation, padding, lengths)
    return from_channels_last(out, data_format)
