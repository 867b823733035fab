"""Naive float64 NumPy pooling, the reference the pooling layers are checked against."""

from __future__ import annotations

import itertools

import numpy as np

from tests.layers.convolutional.conv_reference import (
    from_channels_last,
    same_padding,
    to_channels_last,
)


def pool_reference(
    x, pool_size, strides=None, padding="valid", mode="max", data_format="channels_last"
):
    """Max or mean over each window; 'same' windows cover only the real (unpadded) values."""
    x = to_channels_last(np.asarray(x, np.float64), data_format)
    rank = x.ndim - 2
    pool_size = (pool_size,) * rank if isinstance(pool_size, int) else tuple(pool_size)
    strides = pool_size if strides is None else strides
    strides = (strides,) * rank if isinstance(strides, int) else tuple(strides)
    sizes = x.shape[1:-1]
    if padding == "same":
        starts_at = [-same_padding(n, k, s)[0] for n, k, s in zip(sizes, pool_size, strides)]
        out_spatial = [-(-n // s) for n, s in zip(sizes, strides)]
    else:
        starts_at = [0] * rank
        out_spatial = [(n - k) // s + 1 for n, k, s in zip(sizes, pool_size, strides)]
    reduce = np.max if mode == "max" else np.mean
    out = np.empty((x.shape[0], *out_spatial, x.shape[-1]))
    for position in itertools.product(*(range(n) for n in out_spatial)):
        window = tuple(
            slice(max(first + p * s, 0), min(first + p * s + k, n))
            for first, p, s, k, n in zip(starts_at, position, strides, pool_size, sizes)
        )
        patch = x[(slice(None), *window)].reshape(x.shape[0], -1, x.shape[-1])
        out[(slice(None), *position)] = reduce(patch, axis=1)
    return from_channels_last(out, data_format)


def adaptive_windows(size, output_size):
    """[start, end) of each output position: floor(i * n / out) to ceil((i + 1) * n / out)."""
    return [
        (int(np.floor(i * size / output_size)), int(np.ceil((i + 1) * size / output_size)))
        for i in range(output_size)
    ]


def adaptive_pool_reference(x, output_size, mode="max", data_format="channels_last"):
    """Max or mean over each adaptive window, one output position at a time."""
    x = to_channels_last(np.asarray(x, np.float64), data_format)
    rank = x.ndim - 2
    output_size = (output_size,) * rank if isinstance(output_size, int) else tuple(output_size)
    windows = [adaptive_windows(n, o) for n, o in zip(x.shape[1:-1], output_size)]
    reduce = np.max if mode == "max" else np.mean
    out = np.empty((x.shape[0], *output_size, x.shape[-1]))
    for position in itertools.product(*(range(o) for o in output_size)):
        box = tuple(slice(*axis_windows[p]) for axis_windows, p in zip(windows, position))
        patch = x[(slice(None), *box)].reshape(x.shape[0], -1, x.shape[-1])
        out[(slice(None), *position)] = reduce(patch, axis=1)
    return from_channels_last(out, data_format)
