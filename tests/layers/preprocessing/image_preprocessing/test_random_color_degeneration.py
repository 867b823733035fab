import numpy as np
import pytest

import lamina
from lamina.layers.preprocessing.image_preprocessing.random_color_degeneration import (
    RandomColorDegeneration,
)
from tests.layers.preprocessing.image_preprocessing.augmentation_checks import (
    LUMA,
    check_random_layer,
    check_transformation,
    images,
)


def test_random_color_degeneration_matches_numpy(rng):
    x = images(rng)
    factor = np.array([-0.3, 0.2, 0.45]).reshape(3, 1, 1, 1)
    gray = (x.astype(np.float64) @ LUMA)[..., None]
    expected = np.clip(x + factor * (gray - x), 0, 255)
    check_transformation(
        RandomColorDegeneration(0.5), x, {"factor": factor.astype("float32")}, expected
    )


def test_random_color_degeneration_random_behaviour(rng):
    check_random_layer(lambda seed: RandomColorDegeneration(0.5, seed=seed), images(rng))


def test_random_color_degeneration_needs_three_channels():
    with pytest.raises(ValueError, match="3 channels"):
        RandomColorDegeneration(0.5)(lamina.Input((4, 4, 1)))
    with pytest.raises(ValueError, match="factor"):
        RandomColorDegeneration(2.0)
