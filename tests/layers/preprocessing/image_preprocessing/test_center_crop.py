import numpy as np
import pytest

from lamina import layers
from tests.harness import assert_close
from tests.layers.preprocessing.image_preprocessing import image_layer_checks as checks


@pytest.mark.parametrize("data_format", ["channels_last", "channels_first"])
def test_crop_matches_numpy(rng, data_format):
    x = checks.images(rng, (2, 7, 8, 3))
    expected = x[:, 2:5, 2:6]
    if data_format == "channels_first":
        x, expected = np.moveaxis(x, -1, 1), np.moveaxis(expected, -1, 1)
    assert_close(layers.CenterCrop(3, 4, data_format=data_format)(x), expected)
    assert_close(layers.CenterCrop(3, 4, data_format=data_format)(x[0]), expected[0])


def test_smaller_images_are_cropped_to_the_aspect_ratio_and_resized(rng):
    x = checks.images(rng, (1, 4, 8, 1))
    out = layers.CenterCrop(8, 8)(x)  # the central 4 x 4 box, doubled
    assert tuple(out.shape) == (1, 8, 8, 1)
    assert_close(np.asarray(out)[:, ::2, ::2].mean(), x[:, :, 2:6].mean(), rtol=0.1)


def test_boxes_move_into_the_window():
    layer = layers.CenterCrop(3, 4, bounding_box_format="xyxy")
    boxes = {"boxes": np.array([[[1.0, 1.0, 5.0, 3.0], [6.5, 6.0, 8.0, 7.0]]]),
             "labels": np.array([[1, 2]])}  # fmt: skip
    out = layer.transform_bounding_boxes(boxes, {"input_shape": (1, 7, 8, 3)})
    assert_close(out["boxes"], [[[0.0, 0.0, 3.0, 1.0], [4.0, 3.0, 4.0, 3.0]]])
    assert_close(out["labels"], [[1, -1]])
    upscaled = layers.CenterCrop(8, 8, bounding_box_format="xyxy").transform_bounding_boxes(
        {"boxes": np.array([[[3.0, 1.0, 5.0, 2.0]]]), "labels": np.array([[1]])},
        {"input_shape": (1, 4, 8, 1)},
    )
    assert_close(upscaled["boxes"], [[[2.0, 2.0, 6.0, 4.0]]])  # window x 2..6, scale 2


def test_shapes_and_round_trips(rng, tmp_path):
    x = checks.images(rng)
    checks.check_symbolic_shape(lambda: layers.CenterCrop(4, 5), x)
    checks.check_round_trips(layers.CenterCrop(4, 5), x, tmp_path)


def test_bad_size():
    with pytest.raises(ValueError, match=r"`width` must be a positive int. Received: width=2.5"):
        layers.CenterCrop(2, 2.5)
