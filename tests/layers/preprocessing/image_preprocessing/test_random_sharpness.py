import numpy as np
import pytest

from lamina.layers.preprocessing.image_preprocessing.random_sharpness import RandomSharpness
from tests.layers.preprocessing.image_preprocessing.augmentation_checks import (
    check_random_layer,
    check_transformation,
    images,
)


def smoothed(x):
    """3x3 kernel (1 around, 5 in the centre) / 13 over (N, H, W, C), zero padding."""
    padded = np.pad(x.astype(np.float64), ((0, 0), (1, 1), (1, 1), (0, 0)))
    height, width = x.shape[1:3]
    total = sum(
        padded[:, i : i + height, j : j + width] * (5.0 if (i, j) == (1, 1) else 1.0)
        for i in range(3)
        for j in range(3)
    )
    return total / 13.0


@pytest.mark.parametrize("data_format", ["channels_last", "channels_first"])
def test_random_sharpness_matches_numpy(rng, data_format):
    x = images(rng)
    factor = np.array([0.1, 0.5, 0.9])
    sharpness = (2 * factor).reshape(3, 1, 1, 1)
    expected = np.clip(x + (1 - sharpness) * (smoothed(x) - x), 0, 255)
    if data_format == "channels_first":
        x, expected = x.transpose(0, 3, 1, 2), expected.transpose(0, 3, 1, 2)
    layer = RandomSharpness(0.5, data_format=data_format)
    check_transformation(layer, x, {"factor": factor.astype("float32")}, expected)


def test_random_sharpness_random_behaviour(rng):
    check_random_layer(lambda seed: RandomSharpness(0.9, seed=seed), images(rng))


def test_random_sharpness_bad_factor():
    with pytest.raises(ValueError, match="factor"):
        RandomSharpness(1.5)
