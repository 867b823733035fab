import numpy as np
import pytest

import lamina
from lamina import layers
from tests.harness import assert_close, check_config_roundtrip
from tests.layers.preprocessing.image_preprocessing import image_layer_checks as checks


def test_pads_and_truncates(rng):
    x = checks.images(rng, (2, 6, 7, 3))
    boxes = rng.uniform(0, 5, (2, 3, 4)).astype("float32")
    labels = np.array([[1, 2, 3], [4, 5, 6]])
    data = {"images": x, "bounding_boxes": {"boxes": boxes, "labels": labels}}
    padded = layers.MaxNumBoundingBoxes(5, fill_value=-2, bounding_box_format="xyxy")(data)
    assert_close(padded["images"], x)
    expected = np.concatenate([boxes, np.full((2, 2, 4), -2.0)], axis=1)
    assert_close(padded["bounding_boxes"]["boxes"], expected)
    assert_close(padded["bounding_boxes"]["labels"], [[1, 2, 3, -2, -2], [4, 5, 6, -2, -2]])
    cut = layers.MaxNumBoundingBoxes(2, bounding_box_format="xyxy")(data)
    assert_close(cut["bounding_boxes"]["boxes"], boxes[:, :2])
    assert_close(cut["bounding_boxes"]["labels"], labels[:, :2])


def test_ragged_lists_and_single_image(rng):
    x = checks.images(rng, (6, 7, 3))
    data = {"images": x, "bounding_boxes": {"boxes": [[0, 0, 1, 1]], "labels": [7]}}
    out = layers.MaxNumBoundingBoxes(3, bounding_box_format="xyxy")(data)
    assert_close(out["bounding_boxes"]["boxes"], [[0, 0, 1, 1], [-1] * 4, [-1] * 4])
    assert_close(out["bounding_boxes"]["labels"], [7, -1, -1])


def test_symbolic_shapes_and_config():
    layer = layers.MaxNumBoundingBoxes(4, bounding_box_format="xyxy")
    out = layer(
        {
            "images": lamina.Input((6, 7, 3)),
            "bounding_boxes": {"boxes": lamina.Input((9, 4)), "labels": lamina.Input((9,))},
        }
    )
    assert out["bounding_boxes"]["boxes"].shape == (None, 4, 4)
    assert out["bounding_boxes"]["labels"].shape == (None, 4)
    assert out["images"].shape == (None, 6, 7, 3)
    assert check_config_roundtrip(layers.MaxNumBoundingBoxes(3, fill_value=0)).fill_value == 0


def test_bad_max_number():
    with pytest.raises(ValueError, match=r"`max_number` must be a positive int. Received: max_n"):
        layers.MaxNumBoundingBoxes(0)
