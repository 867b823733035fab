"""Images to and from files and arrays, as ``keras.utils.load_img`` & co.

Pillow is optional: it is imported when one of these functions first needs it, and its
absence is a clear ImportError naming the package.
"""

from __future__ import annotations

import io
import pathlib
import warnings

import numpy as np

from lamina import backend, ops

_COLOR_MODES = {"grayscale": 1, "rgb": 3, "rgba": 4}
_PIL_FILTERS = ("nearest", "bilinear", "bicubic", "hamming", "box", "lanczos")


def pil_image(function_name: str):
    """Pillow's ``Image`` module, or an ImportError saying ``function_name`` needs it."""
    try:
        from PIL import Image
    except ImportError:
        raise ImportError(
            f"{function_name} needs Pillow to read and write images: pip install pillow"
        ) from None
    return Image


def _check_color_mode(color_mode) -> int:
    if color_mode not in _COLOR_MODES:
        raise ValueError(
            f"color_mode must be one of {sorted(_COLOR_MODES)}; received color_mode={color_mode!r}."
        )
    return _COLOR_MODES[color_mode]


def convert_color(img, color_mode: str):
    """``img`` in the PIL mode ``color_mode`` asks for; 16- and 32-bit grayscale stay as
    they are (Keras keeps their depth)."""
    if color_mode == "grayscale":
        return img if img.mode in ("L", "I;16", "I") else img.convert("L")
    wanted = color_mode.upper()
    return img if img.mode == wanted else img.convert(wanted)


def array_to_img(x, data_format=None, scale=True, dtype=None):
    """A PIL image from a rank-3 array (1, 3 or 4 channels).

    ``scale=True`` maps the array's minimum to 0 and maximum to 255 first. One channel with
    values above 255 (unscaled) becomes a 32-bit grayscale (mode ``"I"``) image.
    """
    data_format = backend.standardize_data_format(data_format)
    image_module = pil_image("array_to_img")
    x = np.array(backend.convert_to_numpy(x), dtype=dtype or backend.floatx())
    if x.ndim != 3:
        raise ValueError(
            f"array_to_img expects a rank-3 array (one image); received shape {x.shape}."
        )
    if data_format == "channels_first":
        x = x.transpose(1, 2, 0)
    if scale:
        x = x - np.min(x)
        peak = np.max(x)
        if peak != 0:
            x = x / peak
        x = x * 255
    channels = x.shape[2]
    if channels in (3, 4):
        return image_module.fromarray(x.astype("uint8"), "RGB" if channels == 3 else "RGBA")
    if channels == 1:
        if np.max(x) > 255:
            return image_module.fromarray(x[:, :, 0].astype("int32"), "I")
        return image_module.fromarray(x[:, :, 0].astype("uint8"), "L")
    raise ValueError(
        f"array_to_img expects 1, 3 or 4 channels; received {channels} (shape {x.shape})."
    )


def img_to_array(img, data_format=None, dtype=None):
    """A rank-3 NumPy array ``(height, width, channels)`` (or channels first) from an image."""
    data_format = backend.standardize_data_format(data_format)
    x = np.asarray(img, dtype=dtype or backend.floatx())
    if x.ndim == 2:
        x = x[np.newaxis] if data_format == "channels_first" else x[..., np.newaxis]
    elif x.ndim == 3:
        if data_format == "channels_first":
            x = x.transpose(2, 0, 1)
    else:
        raise ValueError(f"img_to_array expects a rank-2 or rank-3 image; received {x.shape}.")
    return x


def save_img(path, x, data_format=None, file_format=None, scale=True, **kwargs):
    """Write the array ``x`` as an image file; the format comes from the file's extension
    unless ``file_format`` is given (it must be, for a file object). ``kwargs`` go to
    ``PIL.Image.save``."""
    data_format = backend.standardize_data_format(data_format)
    if file_format is None and isinstance(path, (str, pathlib.Path)):
        file_format = pathlib.Path(path).suffix[1:].lower()
    if file_format and file_format.lower() == "jpg":
        file_format = "jpeg"
    img = array_to_img(x, data_format=data_format, scale=scale)
    if img.mode == "RGBA" and file_format == "jpeg":
        warnings.warn("JPEG cannot store an alpha channel: saving the RGB channels.", stacklevel=2)
        img = img.convert("RGB")
    img.save(path, format=file_format, **kwargs)


def _open(path, function_name: str):
    image_module = pil_image(function_name)
    if isinstance(path, io.BytesIO):
        return image_module.open(path)
    if isinstance(path, (str, bytes, pathlib.Path)):
        with open(path, "rb") as file:  # read whole: the file is closed when this returns
            return image_module.open(io.BytesIO(file.read()))
    raise TypeError(
        f"{function_name}: path must be a str, bytes, pathlib.Path or io.BytesIO; received "
        f"{type(path).__name__}."
    )


def _centre_box(width, height, target_width, target_height):
    """The largest centred (left, top, right, bottom) box of the target's aspect ratio."""
    crop_height = min(height, (width * target_height) // target_width)
    crop_width = min(width, (height * target_width) // target_height)
    left, top = (width - crop_width) // 2, (height - crop_height) // 2
    return (left, top, left + crop_width, top + crop_height)


def load_img(
    path, color_mode="rgb", target_size=None, interpolation="nearest", keep_aspect_ratio=False
):
    """Read an image file into a PIL image.

    Args:
        color_mode: ``"grayscale"``, ``"rgb"`` or ``"rgba"``.
        target_size: None (the file's size) or ``(height, width)`` to resize to.
        interpolation: Pillow's filter for that resize: ``"nearest"``, ``"bilinear"``,
            ``"bicubic"``, ``"hamming"``, ``"box"`` or ``"lanczos"``.
        keep_aspect_ratio: crop the largest centred box of the target's aspect ratio
            before resizing, instead of stretching.
    """
    _check_color_mode(color_mode)
    if target_size is not None and interpolation not in _PIL_FILTERS:
        raise ValueError(
            f"interpolation must be one of {list(_PIL_FILTERS)}; received {interpolation!r}."
        )
    img = convert_color(_open(path, "load_img"), color_mode)
    if target_size is None:
        return img
    width_height = (int(target_size[1]), int(target_size[0]))
    if img.size == width_height:
        return img
    image_module = pil_image("load_img")
    resample = getattr(image_module.Resampling, interpolation.upper())
    box = _centre_box(*img.size, *width_height) if keep_aspect_ratio else None
    return img.resize(width_height, resample, box=box)


def smart_resize(x, size, interpolation="bilinear", data_format="channels_last", **kwargs):
    """Resize an image, or a batch, to ``size = (height, width)`` without distorting it:
    the largest centred crop of the target's aspect ratio is taken, then resized.

    NumPy in, NumPy out; a tensor (or a symbolic tensor) stays one.
    """
    if kwargs:
        raise TypeError(f"smart_resize got unexpected keyword arguments {sorted(kwargs)}.")
    if not isinstance(size, (tuple, list)) or len(size) != 2:
        raise ValueError(f"smart_resize: size must be (height, width); received {size!r}.")
    if len(x.shape) not in (3, 4):
        raise ValueError(
            "smart_resize expects an image (height, width, channels) or a batch of them; "
            f"received shape {tuple(x.shape)}."
        )
    resized = ops.image.resize(
        x, size, interpolation=interpolation, crop_to_aspect_ratio=True, data_format=data_format
    )
    if isinstance(x, np.ndarray):
        return np.asarray(backend.convert_to_numpy(resized))
    return resized


def decode_image(path, num_channels: int) -> np.ndarray:
    """An image file as a float32 ``(height, width, channels)`` array with ``num_channels``
    channels (the first frame of an animated GIF)."""
    mode = {1: "grayscale", 3: "rgb", 4: "rgba"}[num_channels]
    img = convert_color(_open(path, "image_dataset_from_directory"), mode)
    return img_to_array(img, data_format="channels_last", dtype="float32")
