import numpy as np
import pytest

from lamina.layers.preprocessing.image_preprocessing.random_brightness import RandomBrightness
from tests.layers.preprocessing.image_preprocessing.augmentation_checks import (
    check_random_layer,
    check_transformation,
    images,
)


def test_random_brightness_matches_numpy(rng):
    x = images(rng)
    delta = np.array([-30.0, 10.0, 70.0]).reshape(3, 1, 1, 1)
    layer = RandomBrightness(0.3)
    check_transformation(
        layer, x, {"rgb_delta": delta.astype("float32")}, np.clip(x + delta, 0, 255)
    )


def test_random_brightness_delta_scales_with_value_range(rng):
    layer = RandomBrightness((0.1, 0.2), value_range=(-1, 1), seed=2)
    delta = np.asarray(layer.get_random_transformation(images(rng))["rgb_delta"])
    assert ((delta >= 0.2 - 1e-6) & (delta <= 0.4 + 1e-6)).all()  # factor * (1 - (-1))
    assert RandomBrightness(0.3).factor == (-0.3, 0.3)


def test_random_brightness_random_behaviour(rng):
    check_random_layer(lambda seed: RandomBrightness(0.5, seed=seed), images(rng))


@pytest.mark.parametrize(("argument", "value"), [("factor", -1.5), ("value_range", 255)])
def test_random_brightness_bad_arguments(argument, value):
    with pytest.raises(ValueError, match=argument):
        RandomBrightness(**{"factor": 0.2, argument: value})
