"""``lamina.utils.bounding_boxes``: Keras's bounding-box helpers (format conversion, clipping,
cropping, padding, affine moves, anchor deltas). They live with the image layers."""

from lamina.layers.preprocessing.image_preprocessing.bounding_boxes import (
    affine_transform as affine_transform,
    clip_to_image_size as clip_to_image_size,
    compute_ciou as compute_ciou,
    compute_iou as compute_iou,
    convert_format as convert_format,
    crop as crop,
    decode_deltas_to_boxes as decode_deltas_to_boxes,
    encode_box_to_deltas as encode_box_to_deltas,
    pad as pad,
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
