import numpy as np
import pytest

from lamina.layers.preprocessing.image_preprocessing.random_contrast import RandomContrast
from tests.layers.preprocessing.image_preprocessing.augmentation_checks import (
    check_random_layer,
    check_transformation,
    images,
)


def test_random_contrast_matches_numpy(rng):
    x = images(rng)
    factor = np.array([0.7, 1.2, 1.45]).reshape(3, 1, 1, 1)
    mean = x.astype(np.float64).mean(axis=(1, 2), keepdims=True)
    expected = np.clip((x - mean) * factor + mean, 0, 255)
    layer = RandomContrast((0.3, 0.5))
    check_transformation(layer, x, {"contrast_factor": factor.astype("float32")}, expected)


def test_random_contrast_channels_first_and_value_range(rng):
    x = images(rng, (2, 3, 4, 5), high=1.0)
    factor = np.array([0.5, 1.8]).reshape(2, 1, 1, 1)
    mean = x.astype(np.float64).mean(axis=(2, 3), keepdims=True)
    expected = np.clip((x - mean) * factor + mean, 0, 1)
    layer = RandomContrast(0.9, value_range=(0, 1), data_format="channels_first")
    check_transformation(layer, x, {"contrast_factor": factor.astype("float32")}, expected)


def test_random_contrast_draws_within_factor(rng):
    layer = RandomContrast((0.2, 0.5), seed=3)
    draws = np.asarray(layer.get_random_transformation(images(rng))["contrast_factor"])
    assert draws.shape == (3, 1, 1, 1)
    assert ((draws >= 0.8) & (draws <= 1.5)).all()
    assert RandomContrast(0.4).factor == (0, 0.4)  # Keras 3.15: a number only raises contrast


def test_random_contrast_random_behaviour(rng):
    check_random_layer(lambda seed: RandomContrast(0.5, seed=seed), images(rng))


@pytest.mark.parametrize(
    ("argument", "value"), [("factor", 1.5), ("factor", "x"), ("value_range", (0,))]
)
def test_random_contrast_bad_arguments(argument, value):
    kwargs = {"factor": 0.2, argument: value}
    with pytest.raises(ValueError, match=argument):
        RandomContrast(**kwargs)
