"""Image ops (Keras's ``keras.ops.image``).

Images are ``(H, W, C)`` or batched ``(N, H, W, C)`` for ``data_format="channels_last"``
(the default, from ``lamina.backend.image_data_format()``), ``(C, H, W)`` / ``(N, C, H, W)``
for ``"channels_first"``. Colour conversions and cropping/padding are composites written
once here over the engine's NumPy functions.
"""

from __future__ import annotations

from lamina.backend import (
    engine,
    is_float_dtype as _is_float_dtype,
    standardize_data_format as _standardize_data_format,
)
from lamina.ops.core import shape as _shape
from lamina.ops.dispatch import op
from lamina.ops.image_filters import (
    gaussian_blur as gaussian_blur,
    sobel_edges as sobel_edges,
    ssim as ssim,
)
from lamina.ops.image_patches import (
    extract_patches as extract_patches,
    extract_patches_3d as extract_patches_3d,
)
from lamina.ops.image_sampling import (
    affine_transform as affine_transform,
    map_coordinates as map_coordinates,
)
from lamina.ops.image_scaling import scale_and_translate as scale_and_translate
from lamina.ops.image_warps import (
    elastic_transform as elastic_transform,
    perspective_transform as perspective_transform,
)

_numpy = engine.numpy

_resize_op = op(engine.image.resize, name="resize")


def _check_images(name: str, images) -> tuple:
    images_shape = _shape(images)
    if len(images_shape) not in (3, 4):
        raise ValueError(
            f"{name} expects images of rank 3 (unbatched) or 4 (batched); received shape "
            f"{images_shape}."
        )
    return images_shape


def _channels_axis(data_format: str, ndim: int) -> int:
    return -1 if data_format == "channels_last" else ndim - 3


def _float_images(name: str, images):
    images = engine.core.convert_to_tensor(images)
    dtype = _numpy.get_dtype_name(images)
    if not _is_float_dtype(dtype):
        raise TypeError(f"{name} expects float images (values in [0, 1]); received {dtype}.")
    return images


# ---- colour -------------------------------------------------------------------------------

_LUMA = (0.2989, 0.5870, 0.1140)  # ITU-R BT.601, the weights Keras and TensorFlow use


def _rgb_to_grayscale(images, data_format=None):
    images = engine.core.convert_to_tensor(images)
    axis = _channels_axis(data_format, images.ndim)
    dtype = _numpy.get_dtype_name(images)
    compute = images if _is_float_dtype(dtype) else engine.core.cast(images, "float32")
    weights = engine.core.convert_to_tensor(_LUMA, dtype=_numpy.get_dtype_name(compute))
    gray = _numpy.tensordot(_numpy.moveaxis(compute, axis, -1), weights, axes=1)  # (..., H, W)
    gray = _numpy.expand_dims(gray, axis)
    # As Keras: integer luma truncated toward zero; a boolean pixel is True where any
    # channel is (the weighted sum is nonzero).
    return gray if compute is images else engine.core.cast(gray, dtype)


def rgb_to_grayscale(images, data_format=None):
    """Luma of RGB ``images`` (0.2989 R + 0.587 G + 0.114 B), keeping a channels axis of 1."""
    data_format = _standardize_data_format(data_format)
    _check_images("rgb_to_grayscale", images)
    return _rgb_to_grayscale_op(images, data_format=data_format)


_rgb_to_grayscale_op = op(_rgb_to_grayscale, name="rgb_to_grayscale")


def _rgb_to_hsv(images, data_format=None):
    images = _float_images("rgb_to_hsv", images)
    axis = _channels_axis(data_format, images.ndim)
    red, green, blue = _numpy.split(images, 3, axis=axis)
    value = _numpy.maximum(_numpy.maximum(red, green), blue)
    spread = value - _numpy.minimum(_numpy.minimum(red, green), blue)
    saturation = _numpy.divide_no_nan(spread, value)
    # Hue in sixths of a turn, from whichever channel is the largest (red wins ties).
    safe = _numpy.where(spread > 0, spread, _numpy.ones_like(spread))
    hue = _numpy.where(
        value == red,
        (green - blue) / safe,
        _numpy.where(value == green, 2 + (blue - red) / safe, 4 + (red - green) / safe),
    )
    hue = _numpy.mod(hue / 6, 1.0)
    hue = _numpy.where(spread > 0, hue, _numpy.zeros_like(hue))
    return _numpy.concatenate([hue, saturation, value], axis=axis)


def rgb_to_hsv(images, data_format=None):
    """HSV of float RGB ``images`` in [0, 1]: hue in [0, 1), saturation, value."""
    data_format = _standardize_data_format(data_format)
    _check_images("rgb_to_hsv", images)
    return _rgb_to_hsv_op(images, data_format=data_format)


_rgb_to_hsv_op = op(_rgb_to_hsv, name="rgb_to_hsv")


def _hsv_to_rgb(images, data_format=None):
    images = _float_images("hsv_to_rgb", images)
    axis = _channels_axis(data_format, images.ndim)
    hue, saturation, value = _numpy.split(images, 3, axis=axis)
    sixths = hue * 6
    # Each channel's share as a piecewise-linear function of the hue (TensorFlow's formula).
    red = _numpy.clip(_numpy.abs(sixths - 3) - 1, 0, 1)
    green = _numpy.clip(2 - _numpy.abs(sixths - 2), 0, 1)
    blue = _numpy.clip(2 - _numpy.abs(sixths - 4), 0, 1)
    rgb = _numpy.concatenate([red, green, blue], axis=axis)
    return ((rgb - 1) * saturation + 1) * value


def hsv_to_rgb(images, data_format=None):
    """RGB of float HSV ``images`` (each channel in [0, 1])."""
    data_format = _standardize_data_format(data_format)
    _check_images("hsv_to_rgb", images)
    return _hsv_to_rgb_op(images, data_format=data_format)


_hsv_to_rgb_op = op(_hsv_to_rgb, name="hsv_to_rgb")


# ---- cropping and padding -----------------------------------------------------------------


def _two_of_three(name, first, second, target, size, names, sign):
    """Resolve Keras's "exactly two of (before, after, target)" rule to (before, after).

    ``sign`` is +1 for padding (target = size + before + after), -1 for cropping."""
    given = [first, second, target]
    if given.count(None) != 1:
        raise ValueError(
            f"{name}: give exactly two of {', '.join(names)}; received "
            + ", ".join(f"{n}={v}" for n, v in zip(names, given))
            + "."
        )
    for argument, value in zip(names, given):
        if value is not None and (not isinstance(value, int) or value < 0):
            raise ValueError(f"{name}: {argument} must be an int >= 0; received {value!r}.")
    if target is not None and size is None:
        raise ValueError(f"{name}: {names[2]} needs a known image size; the size is unknown.")
    if first is None:
        first = sign * (target - size) - second
    elif second is None:
        second = sign * (target - size) - first
    if first < 0 or second < 0:
        raise ValueError(
            f"{name}: {names[2]}={target} does not fit an image of size {size} with "
            f"{names[0]}/{names[1]} given; it would need a negative amount."
        )
    if sign < 0 and size is not None and first + second >= size:
        raise ValueError(
            f"{name}: cropping {first} + {second} leaves nothing of an image of size {size}."
        )
    return first, second


def _spatial_axes(images_shape: tuple, data_format: str) -> tuple[int, int]:
    height_axis = len(images_shape) - (3 if data_format == "channels_last" else 2)
    return height_axis, height_axis + 1


def _pad_images(images, padding, data_format):
    images = engine.core.convert_to_tensor(images)
    height_axis, width_axis = _spatial_axes(tuple(images.shape), data_format)
    widths = [(0, 0)] * images.ndim
    widths[height_axis], widths[width_axis] = padding
    return _numpy.pad(images, widths)


_pad_images_op = op(_pad_images, name="pad_images")


def pad_images(
    images,
    top_padding=None,
    left_padding=None,
    bottom_padding=None,
    right_padding=None,
    target_height=None,
    target_width=None,
    data_format=None,
):
    """Zero-pad ``images``; give exactly two of (top_padding, bottom_padding,
    target_height) and two of (left_padding, right_padding, target_width)."""
    data_format = _standardize_data_format(data_format)
    images_shape = _check_images("pad_images", images)
    height_axis, width_axis = _spatial_axes(images_shape, data_format)
    rows = _two_of_three(
        "pad_images", top_padding, bottom_padding, target_height, images_shape[height_axis],
        ("top_padding", "bottom_padding", "target_height"), +1,
    )  # fmt: skip
    columns = _two_of_three(
        "pad_images", left_padding, right_padding, target_width, images_shape[width_axis],
        ("left_padding", "right_padding", "target_width"), +1,
    )  # fmt: skip
    return _pad_images_op(images, (rows, columns), data_format)


def _crop_images(images, cropping, data_format):
    images = engine.core.convert_to_tensor(images)
    height_axis, width_axis = _spatial_axes(tuple(images.shape), data_format)
    key = [slice(None)] * images.ndim
    for axis, (before, after) in zip((height_axis, width_axis), cropping):
        key[axis] = slice(before, images.shape[axis] - after)
    return images[tuple(key)]


_crop_images_op = op(_crop_images, name="crop_images")


def crop_images(
    images,
    top_cropping=None,
    left_cropping=None,
    bottom_cropping=None,
    right_cropping=None,
    target_height=None,
    target_width=None,
    data_format=None,
):
    """Crop ``images``; give exactly two of (top_cropping, bottom_cropping, target_height)
    and two of (left_cropping, right_cropping, target_width)."""
    data_format = _standardize_data_format(data_format)
    images_shape = _check_images("crop_images", images)
    height_axis, width_axis = _spatial_axes(images_shape, data_format)
    rows = _two_of_three(
        "crop_images", top_cropping, bottom_cropping, target_height, images_shape[height_axis],
        ("top_cropping", "bottom_cropping", "target_height"), -1,
    )  # fmt: skip
    columns = _two_of_three(
        "crop_images", left_cropping, right_cropping, target_width, images_shape[width_axis],
        ("left_cropping", "right_cropping", "target_width"), -1,
    )  # fmt: skip
    return _crop_images_op(images, (rows, columns), data_format)


# ---- resizing -----------------------------------------------------------------------------


def _aspect_box(height, width, target_height, target_width, grow):
    """(box height, box width) of the target's aspect ratio that fits inside the image
    (``grow=False``: crop) or holds it (``grow=True``: pad), as Keras computes them."""
    box_height = int(float(width * target_height) / target_width)
    box_width = int(float(height * target_width) / target_height)
    if grow:
        return max(height, box_height), max(width, box_width)
    return max(min(height, box_height), 1), max(min(width, box_width), 1)


def _fit_aspect_ratio(images, size, crop, fill_value, data_format):
    images = engine.core.convert_to_tensor(images)
    height_axis, width_axis = _spatial_axes(tuple(images.shape), data_format)
    height, width = images.shape[height_axis], images.shape[width_axis]
    box_height, box_width = _aspect_box(height, width, *size, grow=not crop)
    if crop:  # the centred box
        top, left = (height - box_height) // 2, (width - box_width) // 2
        key = [slice(None)] * images.ndim
        key[height_axis] = slice(top, top + box_height)
        key[width_axis] = slice(left, left + box_width)
        return images[tuple(key)]
    # Keras pads the same amount on both sides (so an odd difference loses one row).
    rows, columns = (box_height - height) // 2, (box_width - width) // 2
    widths = [(0, 0)] * images.ndim
    widths[height_axis], widths[width_axis] = (rows, rows), (columns, columns)
    return _numpy.pad(images, widths, constant_values=fill_value)


def _resize(images, size, interpolation, antialias, crop, pad, fill_value, data_format):
    if crop or pad:
        images = _fit_aspect_ratio(images, size, crop, fill_value, data_format)
    return engine.image.resize(images, size, interpolation, antialias, data_format)


_resize_fitted_op = op(_resize, name="resize")


def resize(
    images,
    size,
    interpolation="bilinear",
    antialias=False,
    crop_to_aspect_ratio=False,
    pad_to_aspect_ratio=False,
    fill_mode="constant",
    fill_value=0.0,
    data_format=None,
):
    """Resize ``images`` to ``size = (height, width)``.

    ``crop_to_aspect_ratio`` first crops the largest centred box of the target's aspect
    ratio; ``pad_to_aspect_ratio`` instead pads both sides with ``fill_value`` (the only
    ``fill_mode`` is ``"constant"``). Nearest-neighbour sampling takes pixel
    ``floor((i + 0.5) * in / out)``, as Keras.
    """
    data_format = _standardize_data_format(data_format)
    _check_images("resize", images)
    if not isinstance(size, (tuple, list)) or len(size) != 2:
        raise ValueError(f"resize: size must be (height, width); received {size!r}.")
    size = (int(size[0]), int(size[1]))
    if crop_to_aspect_ratio and pad_to_aspect_ratio:
        raise ValueError(
            "resize: give at most one of crop_to_aspect_ratio and pad_to_aspect_ratio; "
            "received both True."
        )
    if fill_mode != "constant":
        raise ValueError(f"resize: fill_mode must be 'constant'; received {fill_mode!r}.")
    if crop_to_aspect_ratio or pad_to_aspect_ratio:
        return _resize_fitted_op(
            images, size, interpolation, antialias, bool(crop_to_aspect_ratio),
            bool(pad_to_aspect_ratio), fill_value, data_format,
        )  # fmt: skip
    return _resize_op(images, size, interpolation, antialias, data_format)
