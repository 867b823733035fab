import numpy as np
import pytest

from lamina.layers.preprocessing.image_preprocessing.random_hue import RandomHue
from tests.layers.preprocessing.image_preprocessing.augmentation_checks import (
    check_random_layer,
    check_transformation,
    hsv_to_rgb,
    images,
    rgb_to_hsv,
)


def test_random_hue_matches_numpy(rng):
    x = images(rng)
    shift = np.array([-0.2, 0.1, 0.45])
    hsv = rgb_to_hsv(x / 255.0)
    hsv[..., 0] = np.mod(hsv[..., 0] + shift[:, None, None], 1.0)
    expected = np.clip(hsv_to_rgb(hsv), 0, 1) * 255
    check_transformation(
        RandomHue(0.9), x, {"factor": shift.astype("float32")}, expected, atol=1e-2
    )


def test_random_hue_shift_within_half_the_factor(rng):
    shift = np.asarray(
        RandomHue((0.2, 0.6), seed=4).get_random_transformation(images(rng))["factor"]
    )
    assert ((np.abs(shift) >= 0.1 - 1e-6) & (np.abs(shift) <= 0.3 + 1e-6)).all()


def test_random_hue_random_behaviour(rng):
    check_random_layer(
        lambda seed: RandomHue((0.2, 0.8), value_range=(0, 1), seed=seed), images(rng, high=1.0)
    )


def test_random_hue_bad_arguments():
    with pytest.raises(ValueError, match="factor"):
        RandomHue(1.2)
    with pytest.raises(ValueError, match="value_range"):
        RandomHue(0.2, value_range=(0, 1, 2))
