import numpy as np
import pytest

from lamina import layers
from tests.harness import assert_close, to_numpy
from tests.layers.preprocessing.image_preprocessing import image_layer_checks as checks


def test_training_crop_is_a_window_of_the_input(rng):
    x = checks.images(rng, (2, 6, 7, 3))
    layer = layers.RandomCrop(3, 4, seed=2)
    transformation = layer.get_random_transformation(x, training=True)
    top, left = transformation["top"], transformation["left"]
    assert 0 <= top <= 3
    assert 0 <= left <= 3
    out = layer.transform_images(x, transformation)
    assert_close(out, x[:, top : top + 3, left : left + 4])


def test_inference_crops_the_centre(rng):
    x = checks.images(rng, (2, 6, 8, 3))
    centre = layers.Resizing(4, 4, crop_to_aspect_ratio=True)(x)  # central 6 x 6, resized
    assert_close(layers.RandomCrop(4, 4)(x, training=False), centre, atol=1e-6)
    assert_close(layers.RandomCrop(6, 6)(x, training=False), x[:, :, 1:7])
    small = layers.RandomCrop(12, 8)(x, training=True)  # not larger: centred window, resized
    assert tuple(small.shape) == (2, 12, 8, 3)


def test_boxes_move_into_the_window():
    layer = layers.RandomCrop(3, 4, bounding_box_format="xyxy")
    transformation = {"top": 1, "left": 2, "crop_height": 3, "crop_width": 4,
                      "input_shape": (6, 7)}  # fmt: skip
    boxes = {"boxes": np.array([[[3.0, 2.0, 7.0, 3.0], [0.0, 0.0, 1.0, 1.0]]]),
             "labels": np.array([[1, 2]])}  # fmt: skip
    out = layer.transform_bounding_boxes(boxes, transformation)
    assert_close(out["boxes"], [[[1.0, 1.0, 4.0, 2.0], [0.0, 0.0, 0.0, 0.0]]])
    assert_close(out["labels"], [[1, -1]])


def test_seed_is_in_the_config_and_repeats(rng, tmp_path):
    x = checks.images(rng)
    first = to_numpy(layers.RandomCrop(3, 4, seed=8)(x))
    assert_close(layers.RandomCrop(3, 4, seed=8)(x), first)
    assert isinstance(layers.RandomCrop(3, 4).get_config()["seed"], int)
    checks.check_symbolic_shape(lambda: layers.RandomCrop(3, 4), x)
    checks.check_round_trips(layers.RandomCrop(3, 4, seed=1), x, tmp_path)


def test_bad_size():
    with pytest.raises(ValueError, match=r"`height` must be a positive int. Received: height=-3"):
        layers.RandomCrop(-3, 4)
