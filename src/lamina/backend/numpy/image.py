"""Image functions on NumPy (channels_last by default, as the layers).

``resize`` follows torch's ``F.interpolate`` with ``align_corners=False`` (half-pixel
centres), so the engines agree: each axis is resampled by one (output, input) weight matrix
built from the interpolation kernel, applied with ``tensordot``.
"""

from __future__ import annotations

import numpy as np

from lamina.backend.common.argument_checks import check_resize
from lamina.backend.config import standardize_data_format
from lamina.backend.numpy.core import bfloat16_via_float32, to_array

_CUBIC_A = -0.75  # torch's bicubic; its antialiased bicubic uses -0.5, as PIL


def _cubic(x, a):
    x = np.abs(x)
    near = ((a + 2) * x - (a + 3)) * x * x + 1
    far = ((x - 5) * x + 8) * x * a - 4 * a
    return np.where(x < 1, near, np.where(x < 2, far, 0.0))


def _nearest_weights(in_size, out_size):
    # Half-pixel centres, as Keras (jax.image.resize, torch's "nearest-exact").
    position = np.arange(out_size) + 0.5
    source = np.minimum(np.floor(position * (in_size / out_size)), in_size - 1)
    weights = np.zeros((out_size, in_size))
    weights[np.arange(out_size), source.astype(np.int64)] = 1.0
    return weights


def _interpolation_weights(in_size, out_size, interpolation):
    """torch's upsample_bilinear / upsample_bicubic taps, as a dense matrix."""
    scale = in_size / out_size
    source = (np.arange(out_size) + 0.5) * scale - 0.5
    weights = np.zeros((out_size, in_size))
    rows = np.arange(out_size)
    if interpolation == "bilinear":
        source = np.maximum(source, 0.0)
        left = np.floor(source).astype(np.int64)
        fraction = source - left
        right = np.minimum(left + 1, in_size - 1)
        left = np.minimum(left, in_size - 1)
        np.add.at(weights, (rows, left), 1.0 - fraction)
        np.add.at(weights, (rows, right), fraction)
        return weights
    base = np.floor(source).astype(np.int64)
    fraction = source - base
    for offset in (-1, 0, 1, 2):
        index = np.clip(base + offset, 0, in_size - 1)
        np.add.at(weights, (rows, index), _cubic(fraction - offset, _CUBIC_A))
    return weights


def _antialias_weights(in_size, out_size, interpolation):
    """torch's antialiased resampling (PIL's): when shrinking, the kernel widens by the
    scale so that every input pixel contributes."""
    scale = in_size / out_size
    support = (1.0 if interpolation == "bilinear" else 2.0) * max(scale, 1.0)
    inverse = 1.0 / scale if scale >= 1.0 else 1.0
    weights = np.zeros((out_size, in_size))
    for row in range(out_size):
        centre = scale * (row + 0.5)
        start = max(int(centre - support + 0.5), 0)
        stop = min(int(centre + support + 0.5), in_size)
        offsets = (np.arange(start, stop) - centre + 0.5) * inverse
        if interpolation == "bilinear":
            taps = np.maximum(0.0, 1.0 - np.abs(offsets))
        else:
            taps = _cubic(offsets, -0.5)
        total = taps.sum()
        weights[row, start:stop] = taps / total if total else taps
    return weights


def _axis_weights(in_size, out_size, interpolation, antialias):
    if interpolation == "nearest":
        return _nearest_weights(in_size, out_size)
    if antialias:
        return _antialias_weights(in_size, out_size, interpolation)
    return _interpolation_weights(in_size, out_size, interpolation)


@bfloat16_via_float32
def resize(images, size, interpolation="bilinear", antialias=False, data_format=None):
    data_format = standardize_data_format(data_format)
    images = to_array(images)
    check_resize(interpolation, images.ndim)
    batched = images.ndim == 4
    x = images if batched else images[None]
    if data_format == "channels_first":
        x = np.moveaxis(x, 1, -1)  # (N, H, W, C)
    dtype = x.dtype
    compute = x if dtype.kind == "f" else x.astype(np.float32)
    for axis, out_size in zip((1, 2), tuple(size)):
        weights = _axis_weights(compute.shape[axis], int(out_size), interpolation, antialias)
        weights = weights.astype(compute.dtype)
        compute = np.moveaxis(np.tensordot(weights, compute, axes=((1,), (axis,))), 0, axis)
    if dtype.kind in "iu":  # a bool image reads back True where nonzero, as Keras's torch
        info = np.iinfo(dtype)
        compute = np.clip(np.round(compute), info.min, info.max)
    out = compute.astype(dtype, copy=False)
    if data_format == "channels_first":
        out = np.moveaxis(out, -1, 1)
    return out if batched else out[0]
