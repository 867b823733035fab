"""Patches of images and volumes: ``extract_patches`` (2-D, or 3-D given three sizes) and
``extract_patches_3d``.

Each output pixel holds its whole patch flattened in (row, column, channel) order (with the
depth first for volumes): the result of Keras's convolution with an identity kernel. Here it
is one gather per spatial axis, so any dtype is exact and gradients come for free; "same"
padding is zeros placed as TensorFlow places them.
"""

from __future__ import annotations

import numpy as np

from lamina.backend import engine, standardize_data_format as _standardize_data_format
from lamina.backend.common.conv_shapes import same_padding
from lamina.ops.core import shape as _shape
from lamina.ops.dispatch import op

_numpy = engine.numpy


def _per_axis(name: str, argument: str, value, rank: int) -> tuple[int, ...]:
    values = (value,) * rank if isinstance(value, int) else tuple(value)
    if len(values) != rank or not all(isinstance(v, int) and v >= 1 for v in values):
        raise ValueError(
            f"{name}: {argument} must be an int >= 1 or a tuple of {rank} of them; received "
            f"{value!r}."
        )
    return values


def _valid_length(size, window, stride, dilation):
    return (size - (window - 1) * dilation - 1) // stride + 1


def _extract(images, size, strides, dilation, padding, data_format):
    rank = len(size)
    images = engine.core.convert_to_tensor(images)
    unbatched = images.ndim == rank + 1
    if unbatched:
        images = _numpy.expand_dims(images, 0)
    if data_format == "channels_first":
        images = _numpy.moveaxis(images, 1, -1)  # (N, *spatial, C)
    spatial = tuple(images.shape[1:-1])
    if padding == "same":
        pads = same_padding(spatial, size, strides, dilation)
        images = _numpy.pad(images, [(0, 0), *pads, (0, 0)])
        spatial = tuple(images.shape[1:-1])
    lengths = [_valid_length(*args) for args in zip(spatial, size, strides, dilation)]
    patches = images
    for index, (length, window, stride, rate) in enumerate(zip(lengths, size, strides, dilation)):
        # Input positions read by patch p at offset o: p * stride + o * rate, an (L, k) grid.
        positions = np.arange(length)[:, None] * stride + np.arange(window)[None, :] * rate
        patches = _numpy.take(patches, positions.astype(np.int32), axis=1 + 2 * index)
    rank = len(size)  # patches: (N, L1, k1, ..., Lr, kr, C)
    order = (0, *range(1, 2 * rank, 2), *range(2, 2 * rank + 1, 2), 2 * rank + 1)
    patches = _numpy.transpose(patches, order)  # (N, L1 .. Lr, k1 .. kr, C)
    batch, channels = images.shape[0], images.shape[-1]
    patches = _numpy.reshape(patches, (batch, *lengths, int(np.prod(size)) * channels))
    if data_format == "channels_first":
        patches = _numpy.moveaxis(patches, -1, 1)
    return patches[0] if unbatched else patches


_extract_op = op(_extract, name="extract_patches")


def _extract_patches(name, images, size, strides, dilation_rate, padding, data_format):
    rank = len(size)
    data_format = _standardize_data_format(data_format)
    images_shape = tuple(_shape(images))
    if len(images_shape) not in (rank + 1, rank + 2):
        kind = "images" if rank == 2 else "volumes"
        raise ValueError(
            f"{name} with a patch size of {rank} expects {kind} of rank {rank + 1} "
            f"(unbatched) or {rank + 2} (batched); received shape {images_shape}."
        )
    strides = _per_axis(name, "strides", size if strides is None else strides, rank)
    dilation_rate = _per_axis(name, "dilation_rate", dilation_rate, rank)
    if not isinstance(padding, str) or padding.lower() not in ("valid", "same"):
        raise ValueError(f"{name}: padding must be 'valid' or 'same'; received {padding!r}.")
    padding = padding.lower()
    spatial = (
        images_shape[-rank - 1 : -1] if data_format == "channels_last" else images_shape[-rank:]
    )
    if padding == "valid":
        for length, window, rate in zip(spatial, size, dilation_rate):
            if length is not None and (window - 1) * rate + 1 > length:
                raise ValueError(
                    f"{name}: a patch of size {size} (dilation_rate {dilation_rate}) does not "
                    f"fit {'images' if rank == 2 else 'volumes'} of spatial shape {spatial} "
                    "with padding='valid'."
                )
    return _extract_op(images, size, strides, dilation_rate, padding, data_format)


def extract_patches(
    images,
    size,
    strides=None,
    dilation_rate=1,
    padding="valid",
    data_format=None,
):
    """Patches of ``images``, each flattened into the channels of one output pixel.

    ``size`` is an int or ``(height, width)`` for images ``(H, W, C)`` / ``(N, H, W, C)``, or
    ``(depth, height, width)`` for volumes (as ``extract_patches_3d``). ``strides`` defaults
    to ``size`` (patches side by side); ``padding`` is "valid" or "same".

    >>> ops.image.extract_patches(np.ones((2, 20, 20, 3)), (5, 5)).shape
    (2, 4, 4, 75)
    """
    if isinstance(size, int):
        size = (size, size)
    elif isinstance(size, (tuple, list)):
        size = _per_axis("extract_patches", "size", size, 3 if len(size) == 3 else 2)
    else:
        raise TypeError(
            "extract_patches: size must be an int or a tuple of 2 or 3 ints; received "
            f"{size!r} of type {type(size).__name__}."
        )
    return _extract_patches("extract_patches", images, size, strides, dilation_rate, padding,
                            data_format)  # fmt: skip


def extract_patches_3d(
    volumes,
    size,
    strides=None,
    dilation_rate=1,
    padding="valid",
    data_format=None,
):
    """Patches of ``volumes`` ``(D, H, W, C)`` / ``(N, D, H, W, C)``, each flattened into
    the channels of one output voxel; ``size`` is an int or ``(depth, height, width)``.

    >>> ops.image.extract_patches_3d(np.ones((10, 10, 10, 3)), (3, 3, 3)).shape
    (3, 3, 3, 81)
    """
    size = _per_axis("extract_patches_3d", "size", size, 3)
    return _extract_patches("extract_patches_3d", volumes, size, strides, dilation_rate,
                            padding, data_format)  # fmt: skip
