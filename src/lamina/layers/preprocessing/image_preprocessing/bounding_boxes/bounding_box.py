"""Bounding-box geometry in lamina.ops: format conversion, clipping, cropping, padding and
the affine map that the geometric augmentation layers apply to box corners.

Boxes are tensors whose last axis holds 4 numbers; every conversion goes through ``xyxy``
(absolute ``[left, top, right, bottom]``).
"""

from __future__ import annotations

import math

from lamina import ops

SUPPORTED_FORMATS = (
    "xyxy",
    "yxyx",
    "xywh",
    "center_xywh",
    "center_yxhw",
    "rel_xyxy",
    "rel_yxyx",
    "rel_xywh",
    "rel_center_xywh",
)


def _columns(boxes):
    return ops.split(boxes, 4, axis=-1)


def _join(*columns):
    return ops.concatenate(list(columns), axis=-1)


def to_xyxy(boxes, source, height=None, width=None):
    """``boxes`` in ``source`` format (lower case, checked) to absolute ``xyxy``."""
    first, second, third, fourth = _columns(boxes)
    relative = source.startswith("rel_")
    kind = source[4:] if relative else source
    if kind == "xyxy":
        x1, y1, x2, y2 = first, second, third, fourth
    elif kind == "yxyx":
        y1, x1, y2, x2 = first, second, third, fourth
    elif kind == "xywh":
        x1, y1 = first, second
        x2, y2 = first + third, second + fourth
    elif kind == "center_xywh":
        x1, y1 = first - third / 2.0, second - fourth / 2.0
        x2, y2 = first + third / 2.0, second + fourth / 2.0
    else:  # center_yxhw
        x1, y1 = second - fourth / 2.0, first - third / 2.0
        x2, y2 = second + fourth / 2.0, first + third / 2.0
    if relative:
        x1, x2 = x1 * width, x2 * width
        y1, y2 = y1 * height, y2 * height
    return _join(x1, y1, x2, y2)


def from_xyxy(boxes, target, height=None, width=None):
    """Absolute ``xyxy`` boxes to ``target`` format (lower case, checked)."""
    x1, y1, x2, y2 = _columns(boxes)
    relative = target.startswith("rel_")
    kind = target[4:] if relative else target
    if relative:
        x1, x2 = x1 / width, x2 / width
        y1, y2 = y1 / height, y2 / height
    if kind == "xyxy":
        return _join(x1, y1, x2, y2)
    if kind == "yxyx":
        return _join(y1, x1, y2, x2)
    if kind == "xywh":
        return _join(x1, y1, x2 - x1, y2 - y1)
    center_x, center_y = x1 + (x2 - x1) / 2.0, y1 + (y2 - y1) / 2.0
    if kind == "center_xywh":
        return _join(center_x, center_y, x2 - x1, y2 - y1)
    return _join(center_y, center_x, y2 - y1, x2 - x1)  # center_yxhw


def check_format(name: str, value) -> str:
    if not isinstance(value, str) or value.lower() not in SUPPORTED_FORMATS:
        raise ValueError(
            f"`{name}` must be one of {SUPPORTED_FORMATS} (case-insensitive). "
            f"Received: {name}={value!r}"
        )
    return value.lower()


def convert(boxes, source, target, height=None, width=None, dtype="float32"):
    source = check_format("source", source)
    target = check_format("target", target)
    boxes = ops.convert_to_tensor(boxes)
    if ops.shape(boxes)[-1] != 4:
        raise ValueError(
            "`boxes` must have a last axis of size 4. "
            f"Received: boxes.shape={tuple(ops.shape(boxes))}"
        )
    if (source.startswith("rel_") or target.startswith("rel_")) and (
        height is None or width is None
    ):
        raise ValueError(
            "convert_format() needs `height` and `width` to convert between relative and "
            f"absolute formats. Received: source={source!r}, target={target!r}, "
            f"height={height}, width={width}."
        )
    boxes = ops.cast(boxes, dtype)
    if source == target:
        return boxes
    if source.startswith("rel_") and target.startswith("rel_"):
        # Both relative: the image size cancels out, so convert in unit coordinates.
        source, target, height, width = source[4:], target[4:], None, None
    return from_xyxy(to_xyxy(boxes, source, height, width), target, height, width)


def area(boxes):
    """Areas of ``xyxy`` (or ``rel_xyxy``) boxes, shape ``boxes.shape[:-1] + (1,)``."""
    x1, y1, x2, y2 = _columns(boxes)
    return (x2 - x1) * (y2 - y1)


def clip_xyxy(boxes, height, width):
    x1, y1, x2, y2 = _columns(boxes)
    return _join(
        ops.clip(x1, 0, width),
        ops.clip(y1, 0, height),
        ops.clip(x2, 0, width),
        ops.clip(y2, 0, height),
    )


def crop_xyxy(boxes, top, left, height, width):
    """Boxes in the frame of the crop window at (top, left), clipped to its size."""
    x1, y1, x2, y2 = _columns(boxes)
    return clip_xyxy(_join(x1 - left, y1 - top, x2 - left, y2 - top), height, width)


def pad_xyxy(boxes, top, left):
    x1, y1, x2, y2 = _columns(boxes)
    return _join(x1 + left, y1 + top, x2 + left, y2 + top)


def forward_affine_matrix(
    center_x, center_y, angle, translate_x, translate_y, scale, shear_x, shear_y, height, width
):
    """``(batch, 3, 3)`` matrices taking input pixel coordinates to output ones.

    Angles are in degrees, translations and centres fractions of the image size. This is the
    inverse of the sampling transform the layers give ``ops.image.affine_transform`` (the
    torchvision/TF construction: rotation and shear about the centre, scaled, then shifted),
    so box corners move with the image content.
    """
    angle = ops.convert_to_tensor(angle)
    dtype = ops.dtype(angle) if "float" in str(ops.dtype(angle)) else "float32"
    angle = ops.cast(angle, dtype)
    as_tensor = lambda value: ops.cast(ops.convert_to_tensor(value), dtype)  # noqa: E731
    translate_x, translate_y, scale = (
        as_tensor(translate_x),
        as_tensor(translate_y),
        as_tensor(scale),
    )
    batch_size = ops.shape(angle)[0]
    to_radians = math.pi / 180.0
    rotation = -angle * to_radians
    shear_x_radians = -as_tensor(shear_x) * to_radians
    shear_y_radians = -as_tensor(shear_y) * to_radians
    center_x = center_x * (width - 1)
    center_y = center_y * (height - 1)
    shifted_x = center_x - translate_x * (width - 1)
    shifted_y = center_y - translate_y * (height - 1)
    # Rotation composed with shear, written as [[a, b], [c, d]] (Keras's construction).
    cos_shear_y = ops.cos(shear_y_radians)
    tan_shear_x = ops.tan(shear_x_radians)
    a = ops.cos(rotation - shear_y_radians) / cos_shear_y
    b = a * tan_shear_x + ops.sin(rotation)
    c = -ops.sin(rotation - shear_y_radians) / cos_shear_y
    d = ops.cos(rotation) - c * tan_shear_x
    # Its adjugate (the inverse for a single shear, where det is 1), scaled, about the
    # shifted centre.
    m00, m01 = d * scale, -b * scale
    m10, m11 = -c * scale, a * scale
    m02 = center_x - m00 * shifted_x - m01 * shifted_y
    m12 = center_y - m10 * shifted_x - m11 * shifted_y
    zeros = ops.zeros((batch_size,), dtype)
    ones = ops.ones((batch_size,), dtype)
    rows = [m00, m01, m02, m10, m11, m12, zeros, zeros, ones]
    rows = [ops.cast(ops.broadcast_to(row, (batch_size,)), dtype) for row in rows]
    return ops.reshape(ops.stack(rows, axis=-1), (batch_size, 3, 3))


def affine_xyxy(
    boxes, angle, translate_x, translate_y, scale, shear_x, shear_y, height, width,
    center_x=None, center_y=None,
):  # fmt: skip
    """Move the 4 corners of each ``(batch, N, 4)`` xyxy box by the forward affine map and
    return the axis-aligned box around them."""
    matrix = forward_affine_matrix(
        0.5 if center_x is None else center_x,
        0.5 if center_y is None else center_y,
        angle, translate_x, translate_y, scale, shear_x, shear_y, height, width,
    )  # fmt: skip
    boxes = ops.cast(boxes, ops.dtype(matrix))
    x1, y1, x2, y2 = (boxes[..., i] for i in range(4))
    corner_x = ops.stack([x1, x2, x2, x1], axis=-1)  # (batch, N, 4 corners)
    corner_y = ops.stack([y1, y1, y2, y2], axis=-1)
    entry = lambda i, j: matrix[:, i, j, None, None]  # noqa: E731  (batch, 1, 1)
    new_x = entry(0, 0) * corner_x + entry(0, 1) * corner_y + entry(0, 2)
    new_y = entry(1, 0) * corner_x + entry(1, 1) * corner_y + entry(1, 2)
    return ops.stack(
        [ops.min(new_x, axis=-1), ops.min(new_y, axis=-1), ops.max(new_x, axis=-1),
         ops.max(new_y, axis=-1)],
        axis=-1,
    )  # fmt: skip
