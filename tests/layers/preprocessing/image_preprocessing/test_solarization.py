import numpy as np
import pytest

from lamina.layers.preprocessing.image_preprocessing.solarization import Solarization
from tests.layers.preprocessing.image_preprocessing.augmentation_checks import (
    check_random_layer,
    check_transformation,
    images,
)


def test_solarization_matches_numpy(rng):
    x = images(rng, high=1.0)
    additions = np.array([5.0, 20.0, 40.0]).reshape(3, 1, 1, 1)
    thresholds = np.array([100.0, 60.0, 120.0]).reshape(3, 1, 1, 1)
    shifted = np.clip(x * 255.0 + additions, 0, 255)
    expected = np.where(shifted < thresholds, shifted, 255 - shifted) / 255.0
    layer = Solarization(0.2, 0.5, value_range=(0, 1))
    transformation = {
        "additions": additions.astype("float32"),
        "thresholds": thresholds.astype("float32"),
    }
    check_transformation(layer, x, transformation, expected, atol=1e-5)


def test_solarization_defaults_invert_every_pixel(rng):
    x = images(rng)
    np.testing.assert_allclose(np.asarray(Solarization()(x)), 255 - x, rtol=1e-5, atol=1e-4)
    assert Solarization(0.3, (0.2, 0.6)).threshold_factor == (0.2, 0.6)


def test_solarization_random_behaviour(rng):
    check_random_layer(lambda seed: Solarization(0.5, 0.5, seed=seed), images(rng))


@pytest.mark.parametrize(
    ("argument", "value"),
    [("addition_factor", 1.5), ("threshold_factor", (0.1, 0.2, 0.3)), ("value_range", [1])],
)
def test_solarization_bad_arguments(argument, value):
    with pytest.raises(ValueError, match=argument):
        Solarization(**{argument: value})
