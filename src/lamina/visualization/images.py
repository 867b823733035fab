"""Shared by the drawing functions: image batches as NumPy arrays in NHWC layout."""

from __future__ import annotations

import numpy as np

from lamina import backend, ops


def image_batch(images, data_format=None, name="images") -> np.ndarray:
    """A 4-D image batch as a float NumPy array, channels last."""
    data_format = backend.standardize_data_format(data_format)
    array = np.asarray(ops.convert_to_numpy(images))
    if array.ndim != 4:
        raise ValueError(
            f"{name} must be a batch of images, a 4-D tensor or array; received shape "
            f"{array.shape}."
        )
    if data_format == "channels_first":
        array = np.transpose(array, (0, 2, 3, 1))
    return array.astype("float32")


def mask_batch(masks, data_format=None) -> np.ndarray:
    """Segmentation masks ``(batch, height, width[, 1])`` as an integer NumPy array
    ``(batch, height, width)``."""
    data_format = backend.standardize_data_format(data_format)
    array = np.asarray(ops.convert_to_numpy(masks))
    if array.dtype.kind not in "iu":
        raise TypeError(
            f"segmentation_masks must hold integer class ids; received dtype {array.dtype}."
        )
    if array.ndim == 4:
        array = array[:, 0] if data_format == "channels_first" else array[..., 0]
    if array.ndim != 3:
        raise ValueError(
            "segmentation_masks must have shape (batch, height, width) or (batch, height, "
            f"width, 1); received shape {array.shape}."
        )
    return array


def to_uint8(images: np.ndarray, value_range=(0, 255)) -> np.ndarray:
    """Images scaled from ``value_range`` to 0..255 uint8."""
    low, high = value_range
    if high <= low:
        raise ValueError(
            f"value_range must be (low, high) with low < high; received {value_range}."
        )
    scaled = (images - low) / (high - low) * 255.0
    return np.clip(np.round(scaled), 0, 255).astype("uint8")


def palette(num_classes: int) -> list:
    """Distinct RGB colours for class ids 0..num_classes-1 (Keras's formula, so drawings
    look alike)."""
    steps = np.array([2**25 - 1, 2**15 - 1, 2**21 - 1])
    return [((index * steps) % 255).tolist() for index in range(num_classes)]


def grid(count: int, rows=None, cols=None) -> tuple[int, int]:
    rows = rows or int(np.ceil(np.sqrt(count)))
    cols = cols or int(np.ceil(count / rows))
    return rows, cols


def pyplot():
    try:
        import matplotlib.pyplot as plt
    except ImportError as error:
        raise ImportError(
            "lamina.visualization's galleries need matplotlib, which is not installed: "
            "pip install matplotlib"
        ) from error
    return plt
