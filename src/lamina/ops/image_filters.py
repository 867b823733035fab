"""Image filters written once over the engine's depthwise convolution: ``gaussian_blur``,
``sobel_edges`` and ``ssim`` (the structural similarity of two images).

Each filter runs per channel with zero padding ("same", as TensorFlow places it) or, for
``ssim``, on the valid window only. Integer images are filtered in float32.
"""

from __future__ import annotations

import numpy as np

from lamina.backend import (
    engine,
    is_float_dtype as _is_float_dtype,
    standardize_data_format as _standardize_data_format,
)
from lamina.ops.core import shape as _shape
from lamina.ops.dispatch import op
from lamina.ops.dtype_checks import require_dtype as _require_dtype

_numpy = engine.numpy


def _check_rank(name: str, argument: str, images, ranks=(3, 4)) -> tuple:
    images_shape = tuple(_shape(images))
    if len(images_shape) not in ranks:
        expected = " or ".join(str(r) for r in ranks)
        raise ValueError(
            f"{name} expects {argument} of rank {expected} ((H, W, C) unbatched or "
            f"(N, H, W, C) batched, or channels first); received shape {images_shape}."
        )
    return images_shape


def _pair(name: str, argument: str, value, kind) -> tuple:
    pair = (value, value) if isinstance(value, (int, float)) else tuple(value)
    if len(pair) != 2:
        raise ValueError(f"{name}: {argument} must be one value or a pair; received {value!r}.")
    if kind is int and not all(isinstance(v, int) and v >= 1 for v in pair):
        raise ValueError(f"{name}: {argument} must hold ints >= 1; received {value!r}.")
    return pair


def _float(images):
    """``images`` as a float tensor (integer images in float32) and their compute dtype."""
    images = engine.core.convert_to_tensor(images)
    dtype = _numpy.get_dtype_name(images)
    if _is_float_dtype(dtype):
        return images, dtype
    return engine.core.cast(images, "float32"), "float32"


def _batched_channels_last(images, data_format):
    """(N, H, W, C) view of 3-D or 4-D ``images`` and whether a batch axis was added."""
    unbatched = images.ndim == 3
    if unbatched:
        images = _numpy.expand_dims(images, 0)
    if data_format == "channels_first":
        images = _numpy.transpose(images, (0, 2, 3, 1))
    return images, unbatched


def _restore_layout(images, data_format, unbatched):
    if data_format == "channels_first":
        images = _numpy.transpose(images, (0, 3, 1, 2))
    return images[0] if unbatched else images


def _gaussian_1d(size, sigma, dtype):
    """Normalised Gaussian taps, centred between the middle taps for an even ``size``: made
    in float64 NumPy for a Python ``sigma`` (no device work), else by the engine."""
    xp = np if isinstance(sigma, (int, float)) else _numpy
    offsets = xp.arange(size, dtype="float64" if xp is np else dtype) - (size - 1) / 2
    taps = xp.exp(-0.5 * xp.square(offsets / sigma))
    return taps / xp.sum(taps)


def _outer(column, row, dtype):
    """(len(column), len(row)) kernel as an engine tensor of ``dtype``."""
    if isinstance(column, np.ndarray) and isinstance(row, np.ndarray):
        return engine.core.convert_to_tensor(np.outer(column, row), dtype=dtype)
    column, row = (engine.core.cast(engine.core.convert_to_tensor(t), dtype) for t in (column, row))
    return _numpy.outer(column, row)


def _depthwise(images, kernel, padding):
    """Each channel of (N, H, W, C) ``images`` filtered by (kH, kW, C, M) ``kernel``."""
    return engine.nn.depthwise_conv(images, kernel, 1, padding, "channels_last")


# ---- gaussian_blur ------------------------------------------------------------------------


def _gaussian_blur(images, kernel_size, sigma, data_format):
    images, dtype = _float(images)
    images, unbatched = _batched_channels_last(images, data_format)
    if not isinstance(sigma, tuple):  # a tensor of two standard deviations
        sigma = engine.core.convert_to_tensor(sigma, dtype=dtype)
    # Keras's JAX, TensorFlow and NumPy backends take the first entry of kernel_size and
    # sigma along the width and the second along the height; so do we.
    along_width = _gaussian_1d(kernel_size[0], sigma[0], dtype)
    along_height = _gaussian_1d(kernel_size[1], sigma[1], dtype)
    kernel = _outer(along_height, along_width, dtype)  # (kH, kW)
    channels = images.shape[-1]
    kernel = _numpy.broadcast_to(kernel[:, :, None, None], (*kernel.shape, channels, 1))
    blurred = _depthwise(images, kernel, "same")
    return _restore_layout(blurred, data_format, unbatched)


_gaussian_blur_op = op(_gaussian_blur, name="gaussian_blur")


def gaussian_blur(images, kernel_size=(3, 3), sigma=(1.0, 1.0), data_format=None):
    """Blur each channel of ``images`` with a normalised Gaussian kernel, zero-padded so the
    output keeps the input's shape.

    As in Keras (its JAX and TensorFlow backends), ``kernel_size[0]`` and ``sigma[0]`` apply
    along the width and ``kernel_size[1]`` and ``sigma[1]`` along the height. Float images
    only, as in Keras.

    >>> ops.image.gaussian_blur(np.ones((2, 8, 8, 3)), (5, 5), (1.5, 1.5)).shape
    (2, 8, 8, 3)
    """
    data_format = _standardize_data_format(data_format)
    _check_rank("gaussian_blur", "images", images)
    _require_dtype("gaussian_blur", "images", images)  # float only, as Keras's engines
    kernel_size = _pair("gaussian_blur", "kernel_size", kernel_size, int)
    if isinstance(sigma, (int, float, tuple, list)):  # a tensor sigma goes through as it is
        sigma = tuple(float(v) for v in _pair("gaussian_blur", "sigma", sigma, float))
    return _gaussian_blur_op(images, kernel_size, sigma, data_format)


# ---- sobel_edges --------------------------------------------------------------------------

_SOBEL_Y = ((-1.0, -2.0, -1.0), (0.0, 0.0, 0.0), (1.0, 2.0, 1.0))  # derivative down the rows
_SOBEL_X = ((-1.0, 0.0, 1.0), (-2.0, 0.0, 2.0), (-1.0, 0.0, 1.0))  # derivative along a row


def _sobel_edges(images, data_format):
    original = _numpy.get_dtype_name(engine.core.convert_to_tensor(images))
    images, dtype = _float(images)
    images, _ = _batched_channels_last(images, data_format)
    batch, height, width, channels = images.shape
    kernel = engine.core.convert_to_tensor((_SOBEL_Y, _SOBEL_X), dtype=dtype)  # (2, 3, 3)
    kernel = _numpy.transpose(kernel, (1, 2, 0))[:, :, None, :]  # (3, 3, 1, 2)
    kernel = _numpy.broadcast_to(kernel, (3, 3, channels, 2))
    # A depth multiplier of 2 puts channel c's (dy, dx) at outputs 2c and 2c + 1.
    edges = _depthwise(images, kernel, "same")  # (N, H, W, 2C)
    edges = _numpy.reshape(edges, (batch, height, width, channels, 2))
    if data_format == "channels_first":
        edges = _numpy.transpose(edges, (0, 3, 1, 2, 4))  # (N, C, H, W, 2)
    if original != dtype and original != "bool":
        # Keras keeps integer images integer; their Sobel sums are exact in float32.
        edges = engine.core.cast(edges, original)
    return edges


_sobel_edges_op = op(_sobel_edges, name="sobel_edges")


def sobel_edges(images, data_format=None):
    """Sobel gradients of each channel of a batch of ``images``: ``(N, H, W, C, 2)`` for
    channels_last input, ``(N, C, H, W, 2)`` for channels_first, the last axis holding
    ``(dy, dx)``. The image is zero-padded (as Keras's JAX and torch backends do), so border
    pixels see an edge against black.
    """
    data_format = _standardize_data_format(data_format)
    _check_rank("sobel_edges", "images", images, ranks=(4,))
    return _sobel_edges_op(images, data_format)


# ---- ssim ---------------------------------------------------------------------------------


def _ssim(image1, image2, max_val, filter_size, filter_sigma, k1, k2, data_format):
    original = _numpy.get_dtype_name(engine.core.convert_to_tensor(image1))
    image1, dtype = _float(image1)
    image2 = engine.core.cast(engine.core.convert_to_tensor(image2), dtype)
    image1, unbatched = _batched_channels_last(image1, data_format)
    image2, _ = _batched_channels_last(image2, data_format)
    channels = image1.shape[-1]
    taps = _gaussian_1d(filter_size, filter_sigma, dtype)
    kernel = _outer(taps, taps, dtype)[:, :, None, None]  # (F, F, 1, 1)
    kernel = _numpy.broadcast_to(kernel, (filter_size, filter_size, channels, 1))

    def local_mean(x):  # Gaussian-weighted mean over each valid window: (N, H', W', C)
        return _depthwise(x, kernel, "valid")

    mean1, mean2 = local_mean(image1), local_mean(image2)
    variance1 = local_mean(image1 * image1) - mean1 * mean1
    variance2 = local_mean(image2 * image2) - mean2 * mean2
    covariance = local_mean(image1 * image2) - mean1 * mean2
    c1, c2 = (k1 * max_val) ** 2, (k2 * max_val) ** 2  # Wang et al. (2004), eq. 13
    ssim_map = ((2 * mean1 * mean2 + c1) * (2 * covariance + c2)) / (
        (mean1 * mean1 + mean2 * mean2 + c1) * (variance1 + variance2 + c2)
    )
    result = _numpy.mean(ssim_map, axis=(1, 2, 3))  # (N,): over the windows and channels
    if original != dtype:  # as Keras: the result in image1's dtype (truncated; bool: != 0)
        result = engine.core.cast(result, original)
    return result[0] if unbatched else result


_ssim_op = op(_ssim, name="ssim")


def ssim(
    image1,
    image2,
    max_val=1.0,
    filter_size=11,
    filter_sigma=1.5,
    k1=0.01,
    k2=0.03,
    data_format=None,
):
    """Structural similarity (Wang et al., 2004) of two images or batches of images: the
    mean over every valid ``filter_size`` window (Gaussian-weighted, ``filter_sigma``) and
    channel; one value per image (a scalar for unbatched input). 1 means identical.

    ``max_val`` is the largest pixel value (1.0 for [0, 1] images, 255.0 for bytes).
    As in Keras, the result has image1's dtype: integer and boolean images are compared in
    float32 and the value cast back (truncated toward zero; for bool, nonzero is True).
    """
    data_format = _standardize_data_format(data_format)
    shape1 = _check_rank("ssim", "image1", image1)
    shape2 = _check_rank("ssim", "image2", image2)
    if shape1 != shape2:
        raise ValueError(
            f"ssim expects image1 and image2 of one shape; received {shape1} and {shape2}."
        )
    if not isinstance(filter_size, int) or filter_size < 1:
        raise ValueError(f"ssim: filter_size must be an int >= 1; received {filter_size!r}.")
    spatial = shape1[-3:-1] if data_format == "channels_last" else shape1[-2:]
    if any(size is not None and size < filter_size for size in spatial):
        raise ValueError(
            f"ssim: filter_size={filter_size} is larger than the images' height and width "
            f"{tuple(spatial)}."
        )
    return _ssim_op(image1, image2, max_val, filter_size, filter_sigma, k1, k2, data_format)
