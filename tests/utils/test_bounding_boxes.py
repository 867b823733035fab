"""``lamina.utils.bounding_boxes`` is Keras's ``keras.utils.bounding_boxes`` namespace: the
helpers that live with the image layers (tested there, in
tests/layers/preprocessing/image_preprocessing/bounding_boxes/)."""

import numpy as np

import lamina
from lamina.layers.preprocessing.image_preprocessing import bounding_boxes
from tests.harness import assert_close

KERAS_NAMES = [
    "affine_transform", "clip_to_image_size", "convert_format", "crop",
    "decode_deltas_to_boxes", "encode_box_to_deltas", "pad",
]  # fmt: skip


def test_namespace_lists_keras_helpers():
    namespace = lamina.utils.bounding_boxes
    for name in KERAS_NAMES:
        assert getattr(namespace, name) is getattr(bounding_boxes, name)
    boxes = np.array([[10.0, 20.0, 30.0, 40.0]])
    assert_close(namespace.convert_format(boxes, "xyxy", "xywh"), [[10.0, 20.0, 20.0, 20.0]])
