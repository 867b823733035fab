import numpy as np
import pytest

from lamina.layers.preprocessing.image_preprocessing.random_erasing import RandomErasing
from tests.harness import to_numpy
from tests.layers.preprocessing.image_preprocessing.augmentation_checks import (
    check_random_layer,
    check_transformation,
    images,
)


def test_random_erasing_matches_numpy(rng):
    x = images(rng)
    mask = np.zeros(x.shape, bool)
    mask[0, 1:3, 2:5] = True
    mask[1, 0:4, 0:2] = True
    fill = rng.uniform(0, 255, x.shape).astype("float32")
    apply = np.array([True, False, True])
    expected = np.where(mask & apply[:, None, None, None], fill, x)
    transformation = {"apply_erasing": apply, "batch_masks": mask, "fill_value": fill}
    check_transformation(RandomErasing(), x, transformation, expected, atol=0)


@pytest.mark.parametrize("data_format", ["channels_last", "channels_first"])
def test_random_erasing_fills_one_rectangle_per_image(rng, data_format):
    x = images(rng) + 1.0
    if data_format == "channels_first":
        x = x.transpose(0, 3, 1, 2)
    layer = RandomErasing(
        (1.0, 1.0), scale=(0.2, 0.4), fill_value=[0.0, 0.0, 0.0], data_format=data_format, seed=3
    )
    out = to_numpy(layer(x, training=True))
    erased = out == 0
    if data_format == "channels_first":
        erased = erased.transpose(0, 2, 3, 1)
    for image in erased:
        assert (image == image[..., :1]).all()  # all channels together
        rows, columns = np.nonzero(image[..., 0])
        assert rows.size > 0
        box = np.zeros(image.shape[:2], bool)
        box[rows.min() : rows.max() + 1, columns.min() : columns.max() + 1] = True
        np.testing.assert_array_equal(box, image[..., 0])  # one rectangle


def test_random_erasing_random_behaviour(rng):
    check_random_layer(
        lambda seed: RandomErasing((1.0, 1.0), fill_value=7.0, seed=seed), images(rng)
    )


@pytest.mark.parametrize(
    ("argument", "value"), [("scale", 1.5), ("fill_value", (1, 2)), ("factor", 3)]
)
def test_random_erasing_bad_arguments(argument, value):
    with pytest.raises(ValueError, match=argument):
        RandomErasing(**{argument: value})
