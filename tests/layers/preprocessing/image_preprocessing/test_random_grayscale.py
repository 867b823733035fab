import numpy as np
import pytest

from lamina.layers.preprocessing.image_preprocessing.random_grayscale import RandomGrayscale
from tests.layers.preprocessing.image_preprocessing.augmentation_checks import (
    LUMA,
    check_random_layer,
    check_transformation,
    images,
)


@pytest.mark.parametrize("data_format", ["channels_last", "channels_first"])
def test_random_grayscale_matches_numpy(rng, data_format):
    x = images(rng)
    gray = np.repeat((x.astype(np.float64) @ LUMA)[..., None], 3, axis=-1)
    apply = np.array([True, False, True]).reshape(3, 1, 1, 1)
    expected = np.where(apply, gray, x)
    if data_format == "channels_first":
        x, expected = x.transpose(0, 3, 1, 2), expected.transpose(0, 3, 1, 2)
    check_transformation(RandomGrayscale(0.5, data_format=data_format), x, apply, expected)


def test_random_grayscale_random_behaviour(rng):
    check_random_layer(lambda seed: RandomGrayscale(1.0, seed=seed), images(rng))
    x = images(rng)
    np.testing.assert_array_equal(np.asarray(RandomGrayscale(0.0)(x, training=True)), x)


@pytest.mark.parametrize("factor", [1.5, -0.1, "half"])
def test_random_grayscale_bad_factor(factor):
    with pytest.raises(ValueError, match="factor"):
        RandomGrayscale(factor)
