"""Naive float64 NumPy convolution, the reference the conv layers are checked against."""

from __future__ import annotations

import itertools
import math

import numpy as np


def same_padding(size, window, stride, dilation=1):
    """(before, after) zeros that 'same' adds on one axis: TensorFlow's rule, as Keras uses."""
    effective = (window - 1) * dilation + 1
    total = max((math.ceil(size / stride) - 1) * stride + effective - size, 0)
    return total // 2, total - total // 2


def to_channels_last(x, data_format):
    return x if data_format == "channels_last" else np.moveaxis(x, 1, -1)


def from_channels_last(x, data_format):
    return x if data_format == "channels_last" else np.moveaxis(x, -1, 1)


def conv_reference(
    x,
    kernel,
    bias=None,
    strides=1,
    padding="valid",
    dilation_rate=1,
    data_format="channels_last",
):
    """Cross-correlation of ``x`` with a Keras-shaped kernel (*window, in / groups, filters)."""
    x = to_channels_last(np.asarray(x, np.float64), data_format)
    kernel = np.asarray(kernel, np.float64)
    rank = x.ndim - 2
    window = kernel.shape[:rank]
    strides = (strides,) * rank if isinstance(strides, int) else tuple(strides)
    dilation = (dilation_rate,) * rank if isinstance(dilation_rate, int) else tuple(dilation_rate)
    if padding == "same":
        pads = [
            same_padding(n, k, s, d) for n, k, s, d in zip(x.shape[1:-1], window, strides, dilation)
        ]
    elif padding == "causal":
        pads = [((window[0] - 1) * dilation[0], 0)]
    else:
        pads = [(0, 0)] * rank
    x = np.pad(x, [(0, 0), *pads, (0, 0)])
    out_spatial = [
        (n - (k - 1) * d - 1) // s + 1
        for n, k, s, d in zip(x.shape[1:-1], window, strides, dilation)
    ]
    in_per_group, filters = kernel.shape[-2:]
    groups = x.shape[-1] // in_per_group
    out_per_group = filters // groups
    out = np.zeros((x.shape[0], *out_spatial, filters))
    for position in itertools.product(*(range(n) for n in out_spatial)):
        for offset in itertools.product(*(range(k) for k in window)):
            index = tuple(p * s + o * d for p, o, s, d in zip(position, offset, strides, dilation))
            patch = x[(slice(None), *index)]  # (N, C_in)
            for g in range(groups):
                inputs = patch[:, g * in_per_group : (g + 1) * in_per_group]
                weights = kernel[offset][:, g * out_per_group : (g + 1) * out_per_group]
                out[
                    (slice(None), *position, slice(g * out_per_group, (g + 1) * out_per_group))
                ] += inputs @ weights
    if bias is not None:
        out = out + np.asarray(bias, np.float64)
    return from_channels_last(out, data_format)
