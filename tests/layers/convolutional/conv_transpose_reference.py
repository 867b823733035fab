"""Naive float64 NumPy transposed, depthwise and depthwise-separable convolution references."""

from __future__ import annotations

import itertools

import numpy as np

from tests.layers.convolutional.conv_reference import (
    conv_reference,
    from_channels_last,
    same_padding,
    to_channels_last,
)


def _per_axis(value, rank):
    return (value,) * rank if value is None or isinstance(value, int) else tuple(value)


def transposed_length(size, window, stride, padding, output_padding=None, dilation=1):
    """Keras's output length (backend_utils._get_output_shape_given_tf_padding)."""
    window = (window - 1) * dilation + 1
    if padding == "valid":
        extra = max(window, stride) - window if output_padding is None else output_padding
        return (size - 1) * stride + window + extra
    if output_padding is None:
        return size * stride
    return (size - 1) * stride + window % 2 + output_padding


def conv_transpose_reference(
    x,
    kernel,
    bias=None,
    strides=1,
    padding="valid",
    output_padding=None,
    dilation_rate=1,
    data_format="channels_last",
):
    """Scatter each input position times the kernel (*window, filters, in) into the output.

    The result is cropped as TensorFlow does: it is the gradient of a convolution from the
    output length to the input length, and a 'same' convolution pads
    ``total // 2`` zeros before (the extra one after).
    """
    x = to_channels_last(np.asarray(x, np.float64), data_format)
    kernel = np.asarray(kernel, np.float64)
    rank = x.ndim - 2
    window = kernel.shape[:rank]
    strides, dilation = _per_axis(strides, rank), _per_axis(dilation_rate, rank)
    output_padding = _per_axis(output_padding, rank)
    sizes = x.shape[1:-1]
    lengths = [
        transposed_length(n, k, s, padding, p, d)
        for n, k, s, p, d in zip(sizes, window, strides, output_padding, dilation)
    ]
    starts = [
        0 if padding == "valid" else max((n - 1) * s + (k - 1) * d + 1 - length, 0) // 2
        for n, k, s, d, length in zip(sizes, window, strides, dilation, lengths)
    ]
    natural = [
        (n - 1) * s + (k - 1) * d + 1 for n, k, s, d in zip(sizes, window, strides, dilation)
    ]
    full = [max(st + length, m) for st, length, m in zip(starts, lengths, natural)]
    out = np.zeros((x.shape[0], *full, kernel.shape[-2]))
    for position in itertools.product(*(range(n) for n in sizes)):
        inputs = x[(slice(None), *position)]  # (N, C_in)
        for offset in itertools.product(*(range(k) for k in window)):
            index = tuple(p * s + o * d for p, o, s, d in zip(position, offset, strides, dilation))
            out[(slice(None), *index)] += inputs @ kernel[offset].T  # (N, filters)
    out = out[(slice(None), *(slice(st, st + n) for st, n in zip(starts, lengths)))]
    if bias is not None:
        out = out + np.asarray(bias, np.float64)
    return from_channels_last(out, data_format)


def depthwise_conv_reference(
    x, kernel, bias=None, strides=1, padding="valid", dilation_rate=1, data_format="channels_last"
):
    """Each input channel c convolved with its own filters kernel[..., c, :] (*window, C, M);
    output channel ``c * M + m`` holds filter m of channel c, as Keras orders them."""
    x = to_channels_last(np.asarray(x, np.float64), data_format)
    kernel = np.asarray(kernel, np.float64)
    rank = x.ndim - 2
    window = kernel.shape[:rank]
    strides, dilation = _per_axis(strides, rank), _per_axis(dilation_rate, rank)
    if padding == "same":
        pads = [
            same_padding(n, k, s, d) for n, k, s, d in zip(x.shape[1:-1], window, strides, dilation)
        ]
        x = np.pad(x, [(0, 0), *pads, (0, 0)])
    out_spatial = [
        (n - (k - 1) * d - 1) // s + 1
        for n, k, s, d in zip(x.shape[1:-1], window, strides, dilation)
    ]
    out = np.zeros((x.shape[0], *out_spatial, *kernel.shape[-2:]))  # (N, *spatial, C, M)
    for position in itertools.product(*(range(n) for n in out_spatial)):
        for offset in itertools.product(*(range(k) for k in window)):
            index = tuple(p * s + o * d for p, o, s, d in zip(position, offset, strides, dilation))
            out[(slice(None), *position)] += x[(slice(None), *index)][..., None] * kernel[offset]
    out = out.reshape(*out.shape[:-2], -1)
    if bias is not None:
        out = out + np.asarray(bias, np.float64)
    return from_channels_last(out, data_format)


def separable_conv_reference(
    x,
    depthwise_kernel,
    pointwise_kernel,
    bias=None,
    strides=1,
    padding="valid",
    dilation_rate=1,
    data_format="channels_last",
):
    """The depthwise convolution, then a 1x..x1 convolution mixing its channels."""
    depthwise = depthwise_conv_reference(
        x, depthwise_kernel, None, strides, padding, dilation_rate, data_format
    )
    return conv_reference(depthwise, pointwise_kernel, bias, data_format=data_format)
