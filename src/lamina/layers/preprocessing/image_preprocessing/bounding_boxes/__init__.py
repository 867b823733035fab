"""Bounding-box formats and helpers (public as ``lamina.utils.bounding_boxes``)."""

from lamina.layers.preprocessing.image_preprocessing.bounding_boxes.converters import (
    affine_transform as affine_transform,
    clip_to_image_size as clip_to_image_size,
    convert_format as convert_format,
    crop as crop,
    decode_deltas_to_boxes as decode_deltas_to_boxes,
    encode_box_to_deltas as encode_box_to_deltas,
    pad as pad,
)
from lamina.layers.preprocessing.image_preprocessing.bounding_boxes.iou import (
    compute_ciou as compute_ciou,
    compute_iou as compute_iou,
)

__all__ = [
    "affine_transform",
    "clip_to_image_size",
    "compute_ciou",
    "compute_iou",
    "convert_format",
    "crop",
    "decode_deltas_to_boxes",
    "encode_box_to_deltas",
    "pad",
]
