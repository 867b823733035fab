"""Image functions on TensorFlow (channels_last by default, as the layers).

Resizing without antialiasing samples exactly as the torch and JAX engines (half-pixel
centres; nearest takes ``floor((i + 0.5) * in / out)``, Keras's rule; bicubic uses Keys'
kernel with a = -0.75 and repeats the edge pixels): each output position is a weighted sum of
gathered source rows, with indices and weights computed once in NumPy
(``common.resize_taps``, shared with JAX). With antialiasing the filter is JAX's (and
``tf.image.resize``'s): Keys' a = -0.5 for bicubic, stretched when downscaling, applied as
one matmul per axis.
"""

from __future__ import annotations

import numpy as np
import tensorflow as tf

from lamina.backend.common.argument_checks import check_resize
from lamina.backend.common.resize_taps import resample_axis
from lamina.backend.config import standardize_data_format
from lamina.backend.tensorflow.core import convert_to_tensor, to_tf_dtype


def _resize_axis(x, axis: int, out_size: int, interpolation: str):
    return resample_axis(x, axis, out_size, interpolation, take=tf.gather, weight=tf.constant)


def _keys_cubic_half(t):
    """Keys' cubic kernel with a = -0.5 on distances ``t >= 0`` (the antialiasing filter)."""
    near = (1.5 * t - 2.5) * t * t + 1.0
    far = ((-0.5 * t + 2.5) * t - 4.0) * t + 2.0
    return np.where(t < 1.0, near, np.where(t < 2.0, far, 0.0))


def _antialias_weights(in_size: int, out_size: int, interpolation: str) -> np.ndarray:
    """(in, out) weights of an antialiased resize along one axis: the interpolation kernel
    stretched by the downscaling factor, so every source pixel under it contributes; rows
    normalised to sum to one. The filter JAX's ``scale_and_translate`` (and TensorFlow's)
    apply, computed here so that the resize is one matmul (XLA has no kernel for
    TensorFlow's own op)."""
    scale = out_size / in_size
    kernel_scale = max(1.0 / scale, 1.0)
    centres = (np.arange(out_size) + 0.5) / scale - 0.5  # in source pixel units
    distance = np.abs(centres[None, :] - np.arange(in_size)[:, None]) / kernel_scale
    if interpolation == "bilinear":
        weights = np.maximum(0.0, 1.0 - distance)
    else:
        weights = _keys_cubic_half(distance)
    totals = weights.sum(axis=0, keepdims=True)
    weights = np.where(np.abs(totals) > 1000 * np.finfo(np.float32).eps, weights / totals, 0.0)
    inside = (centres >= -0.5) & (centres <= in_size - 0.5)
    return np.where(inside[None, :], weights, 0.0)


def _antialiased_axis(x, axis: int, out_size: int, interpolation: str):
    weights = _antialias_weights(x.shape[axis], out_size, interpolation)  # (in, out)
    out = tf.tensordot(x, tf.constant(weights, x.dtype), axes=[[axis], [0]])  # out axis last
    return tf.experimental.numpy.moveaxis(out, -1, axis)


def resize(images, size, interpolation="bilinear", antialias=False, data_format=None):
    data_format = standardize_data_format(data_format)
    images = convert_to_tensor(images)
    check_resize(interpolation, images.shape.rank)
    height, width = (int(s) for s in size)
    first = images.shape.rank - (3 if data_format == "channels_last" else 2)  # the height axis
    integer_dtype = None
    if interpolation != "nearest" and not (images.dtype.is_floating or images.dtype.is_complex):
        integer_dtype = images.dtype
        images = tf.cast(images, to_tf_dtype(None))
    resize_axis = _resize_axis
    if antialias and interpolation != "nearest":
        resize_axis = _antialiased_axis
    out = resize_axis(images, first, height, interpolation)
    out = resize_axis(out, first + 1, width, interpolation)
    if integer_dtype is None:
        return out
    if integer_dtype == tf.bool:  # as Keras's torch engine: True where nonzero
        return tf.not_equal(out, 0)
    # Integer images (uint8) come back in their dtype, rounded half to even and saturated, as
    # Keras's torch engine (torch.round).
    low, high = integer_dtype.min, integer_dtype.max
    rounded = tf.clip_by_value(tf.round(out), float(low), float(high))
    return tf.cast(rounded, integer_dtype)
