"""Overlap measures of bounding boxes: pairwise IoU and the element-wise complete IoU."""

from __future__ import annotations

import math

from lamina import backend, ops
from lamina.layers.preprocessing.image_preprocessing.bounding_boxes.converters import (
    convert_format,
)


def _image_size(bounding_box_format: str, image_shape, function: str):
    if "rel" in bounding_box_format.lower() and image_shape is None:
        raise ValueError(
            f"{function}: relative box formats ({bounding_box_format!r}) need image_shape "
            "(height, width, channels); received image_shape=None."
        )
    if image_shape is None:
        return None, None
    return image_shape[0], image_shape[1]


def _corners(boxes):
    """(y_min, x_min, y_max, x_max) of ``yxyx`` boxes, each with a trailing axis of 1."""
    return ops.split(boxes[..., :4], 4, axis=-1)


def compute_iou(
    boxes1, boxes2, bounding_box_format, use_masking=False, mask_val=-1, image_shape=None
):
    """Pairwise intersection over union: ``[M, N]`` for boxes ``[M, 4]`` and ``[N, 4]``,
    ``[batch, M, N]`` when either is batched (``[batch, M, 4]`` / ``[batch, N, 4]``).
    With ``use_masking``, pairs where either box has all four values below 0 (padding)
    give ``mask_val``. Relative formats need ``image_shape``."""
    for name, boxes in (("boxes1", boxes1), ("boxes2", boxes2)):
        if len(ops.shape(boxes)) not in (2, 3):
            raise ValueError(
                f"compute_iou: {name} must be [N, 4] or [batch, N, 4]; received shape "
                f"{tuple(ops.shape(boxes))}."
            )
    height, width = _image_size(bounding_box_format, image_shape, "compute_iou")
    boxes1 = convert_format(boxes1, bounding_box_format, "yxyx", height=height, width=width)
    boxes2 = convert_format(boxes2, bounding_box_format, "yxyx", height=height, width=width)
    first = ops.expand_dims(boxes1, -2)  # [..., M, 1, 4]
    second = ops.expand_dims(boxes2, -3)  # [..., 1, N, 4]
    y_min1, x_min1, y_max1, x_max1 = _corners(first)
    y_min2, x_min2, y_max2, x_max2 = _corners(second)
    overlap_height = ops.maximum(ops.minimum(y_max1, y_max2) - ops.maximum(y_min1, y_min2), 0.0)
    overlap_width = ops.maximum(ops.minimum(x_max1, x_max2) - ops.maximum(x_min1, x_min2), 0.0)
    intersection = ops.squeeze(overlap_height * overlap_width, axis=-1)
    area1 = ops.squeeze((y_max1 - y_min1) * (x_max1 - x_min1), axis=-1)
    area2 = ops.squeeze((y_max2 - y_min2) * (x_max2 - x_min2), axis=-1)
    union = area1 + area2 - intersection
    iou = ops.divide(intersection, union + backend.epsilon())
    if not use_masking:
        return iou
    padding1 = ops.less(ops.max(first, axis=-1), 0.0)
    padding2 = ops.less(ops.max(second, axis=-1), 0.0)
    return ops.where(ops.logical_or(padding1, padding2), ops.cast(mask_val, iou.dtype), iou)


def compute_ciou(boxes1, boxes2, bounding_box_format, image_shape=None):
    """Complete IoU of matching boxes (element-wise over ``[..., 4]``): IoU minus the
    squared centre distance over the squared diagonal of the enclosing box, minus the
    aspect-ratio term ``alpha * v`` (Zheng et al., 2020), with Keras's epsilons."""
    height, width = _image_size(bounding_box_format, image_shape, "compute_ciou")
    boxes1 = convert_format(boxes1, bounding_box_format, "xyxy", height=height, width=width)
    boxes2 = convert_format(boxes2, bounding_box_format, "xyxy", height=height, width=width)
    eps = backend.epsilon()
    x_min1, y_min1, x_max1, y_max1 = ops.split(boxes1[..., :4], 4, axis=-1)
    x_min2, y_min2, x_max2, y_max2 = ops.split(boxes2[..., :4], 4, axis=-1)
    width1, height1 = x_max1 - x_min1, y_max1 - y_min1 + eps
    width2, height2 = x_max2 - x_min2, y_max2 - y_min2 + eps
    intersection = ops.maximum(
        ops.minimum(x_max1, x_max2) - ops.maximum(x_min1, x_min2), 0.0
    ) * ops.maximum(ops.minimum(y_max1, y_max2) - ops.maximum(y_min1, y_min2), 0.0)
    union = width1 * height1 + width2 * height2 - intersection + eps
    iou = ops.squeeze(ops.divide(intersection, union + eps), axis=-1)
    enclosing_width = ops.maximum(x_max1, x_max2) - ops.minimum(x_min1, x_min2)
    enclosing_height = ops.maximum(y_max1, y_max2) - ops.minimum(y_min1, y_min2)
    diagonal = ops.squeeze(enclosing_width**2 + enclosing_height**2 + eps, axis=-1)
    centre_distance = ops.squeeze(
        ((x_min1 + x_max1) / 2 - (x_min2 + x_max2) / 2) ** 2
        + ((y_min1 + y_max1) / 2 - (y_min2 + y_max2) / 2) ** 2,
        axis=-1,
    )
    aspect = ops.squeeze(
        (4 / math.pi**2) * (ops.arctan(width2 / height2) - ops.arctan(width1 / height1)) ** 2,
        axis=-1,
    )
    alpha = aspect / (aspect - iou + (1 + eps))
    return iou - (centre_distance / diagonal + aspect * alpha)
