"""Public bounding-box helpers, Keras's ``keras.utils.bounding_boxes`` functions.

Formats (case-insensitive): ``xyxy`` [left, top, right, bottom], ``yxyx``, ``xywh``
[left, top, width, height], ``center_xywh``, ``center_yxhw``, and the relative
``rel_xyxy``, ``rel_yxyx``, ``rel_xywh``, ``rel_center_xywh`` (fractions of the image's
width and height).
"""

from __future__ import annotations

from lamina import backend, ops
from lamina.layers.preprocessing.image_preprocessing.bounding_boxes import bounding_box


def convert_format(boxes, source, target, height=None, width=None, dtype="float32"):
    """Convert ``boxes`` (a tensor whose last axis is 4, or a dict holding one under
    ``"boxes"``) from ``source`` to ``target`` format. Relative formats need ``height`` and
    ``width``.

    >>> convert_format(np.array([[10, 20, 30, 40]]), "xyxy", "xywh")  # [[10, 20, 20, 20]]
    """
    if isinstance(boxes, dict):
        result = dict(boxes)
        result["boxes"] = convert_format(boxes["boxes"], source, target, height, width, dtype)
        return result
    return bounding_box.convert(boxes, source, target, height=height, width=width, dtype=dtype)


def clip_to_image_size(bounding_boxes, height=None, width=None, bounding_box_format="xyxy"):
    """Clip the boxes of a ``{"boxes", "labels"}`` dict to the image; boxes left with no
    area get label -1. Absolute formats need ``height`` and ``width``."""
    bounding_box_format = bounding_box.check_format("bounding_box_format", bounding_box_format)
    relative = bounding_box_format.startswith("rel_")
    if not relative and (height is None or width is None):
        raise ValueError(
            f"clip_to_image_size() needs `height` and `width` for the absolute format "
            f"{bounding_box_format!r}. Received: height={height}, width={width}."
        )
    boxes = ops.convert_to_tensor(bounding_boxes["boxes"])
    dtype = ops.dtype(boxes) if backend.is_float_dtype(ops.dtype(boxes)) else "float32"
    if relative:
        unit = bounding_box.convert(boxes, bounding_box_format, "rel_xyxy", 1, 1, dtype=dtype)
        clipped = bounding_box.clip_xyxy(unit, 1.0, 1.0)
        boxes = bounding_box.convert(clipped, "rel_xyxy", bounding_box_format, 1, 1, dtype)
    else:
        xyxy = bounding_box.convert(boxes, bounding_box_format, "xyxy", dtype=dtype)
        clipped = bounding_box.clip_xyxy(xyxy, height, width)
        boxes = bounding_box.convert(clipped, "xyxy", bounding_box_format, dtype=dtype)
    result = dict(bounding_boxes)
    result["boxes"] = boxes
    labels = bounding_boxes.get("labels")
    if labels is not None:
        areas = ops.squeeze(bounding_box.area(clipped), axis=-1)
        result["labels"] = ops.where(areas > 0, labels, -1)
    return result


def affine_transform(
    boxes,
    angle,
    translate_x,
    translate_y,
    scale,
    shear_x,
    shear_y,
    height,
    width,
    center_x=None,
    center_y=None,
    bounding_box_format="xyxy",
):
    """Move ``(batch, N, 4)`` boxes as the geometric augmentation layers move the image:
    rotation ``angle`` and shears in degrees, translations and centre (default 0.5) as
    fractions of the image size, one value per batch item. Returns the axis-aligned box
    around each moved box."""
    bounding_box_format = bounding_box.check_format("bounding_box_format", bounding_box_format)
    xyxy = bounding_box.convert(boxes, bounding_box_format, "xyxy", height, width)
    moved = bounding_box.affine_xyxy(
        xyxy, angle, translate_x, translate_y, scale, shear_x, shear_y, height, width,
        center_x=center_x, center_y=center_y,
    )  # fmt: skip
    return bounding_box.convert(moved, "xyxy", bounding_box_format, height, width)


def crop(boxes, top, left, height, width, bounding_box_format="xyxy"):
    """Boxes in the frame of the ``height`` x ``width`` window whose top-left corner is at
    (``top``, ``left``), clipped to it."""
    bounding_box_format = bounding_box.check_format("bounding_box_format", bounding_box_format)
    xyxy = bounding_box.convert(boxes, bounding_box_format, "xyxy", height, width)
    cropped = bounding_box.crop_xyxy(xyxy, top, left, height, width)
    return bounding_box.convert(cropped, "xyxy", bounding_box_format, height, width)


def pad(boxes, top, left, height=None, width=None, bounding_box_format="xyxy"):
    """Shift boxes by the ``top`` and ``left`` padding added to their image."""
    bounding_box_format = bounding_box.check_format("bounding_box_format", bounding_box_format)
    xyxy = bounding_box.convert(boxes, bounding_box_format, "xyxy", height, width)
    return bounding_box.convert(
        bounding_box.pad_xyxy(xyxy, top, left), "xyxy", bounding_box_format, height, width
    )


def _check_variance(variance):
    if variance is None:
        return None
    variance = ops.convert_to_tensor(variance, dtype="float32")
    if tuple(ops.shape(variance))[-1:] != (4,):
        raise ValueError(f"`variance` must have 4 values. Received: variance={variance}")
    return variance


def _check_encoding(name, value):
    if value not in ("center_xywh", "center_yxhw"):
        raise ValueError(
            f"`{name}` must be 'center_xywh' or 'center_yxhw'. Received: {name}={value!r}"
        )


def encode_box_to_deltas(
    anchors,
    boxes,
    anchor_format,
    box_format,
    encoding_format="center_yxhw",
    variance=None,
    image_shape=None,
):
    """Offsets of ``boxes`` from ``anchors``: centre shifts over anchor sizes, then log size
    ratios, in ``encoding_format`` order, divided by ``variance`` when given."""
    variance = _check_variance(variance)
    _check_encoding("encoding_format", encoding_format)
    height, width = (None, None) if image_shape is None else tuple(image_shape)[:2]
    anchors = convert_format(anchors, anchor_format, encoding_format, height, width)
    boxes = convert_format(boxes, box_format, encoding_format, height, width)
    anchor_sizes = ops.maximum(anchors[..., 2:], backend.epsilon())
    box_sizes = ops.maximum(boxes[..., 2:], backend.epsilon())
    deltas = ops.concatenate(
        [(boxes[..., :2] - anchors[..., :2]) / anchor_sizes, ops.log(box_sizes / anchor_sizes)],
        axis=-1,
    )
    return deltas if variance is None else deltas / variance


def decode_deltas_to_boxes(
    anchors,
    boxes_delta,
    anchor_format,
    box_format,
    encoded_format="center_yxhw",
    variance=None,
    image_shape=None,
):
    """Inverse of ``encode_box_to_deltas``; ``anchors`` and ``boxes_delta`` may be dicts of
    levels (the result is then a dict too)."""
    variance = _check_variance(variance)
    _check_encoding("encoded_format", encoded_format)
    height, width = (None, None) if image_shape is None else tuple(image_shape)[:2]

    def decode(anchor, delta):
        anchor = convert_format(anchor, anchor_format, encoded_format, height, width)
        delta = ops.convert_to_tensor(delta)
        if variance is not None:
            delta = delta * variance
        box = ops.concatenate(
            [
                delta[..., :2] * anchor[..., 2:] + anchor[..., :2],
                ops.exp(delta[..., 2:]) * anchor[..., 2:],
            ],
            axis=-1,
        )
        return convert_format(box, encoded_format, box_format, height, width)

    if isinstance(anchors, dict) and isinstance(boxes_delta, dict):
        return {level: decode(anchor, boxes_delta[level]) for level, anchor in anchors.items()}
    return decode(anchors, boxes_delta)
