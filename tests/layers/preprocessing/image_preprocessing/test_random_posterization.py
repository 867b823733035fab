import numpy as np
import pytest

from lamina.layers.preprocessing.image_preprocessing.random_posterization import RandomPosterization
from tests.layers.preprocessing.image_preprocessing.augmentation_checks import (
    check_random_layer,
    check_transformation,
    images,
)


def test_random_posterization_matches_numpy(rng):
    x = images(rng)
    shift = np.array([6, 3, 2], "uint8")
    expected = (x.astype(np.uint8) >> shift[:, None, None, None]) << shift[:, None, None, None]
    layer = RandomPosterization((2, 6))
    check_transformation(layer, x, {"shift_factor": shift}, expected.astype(np.float64))


def test_random_posterization_value_range(rng):
    x = images(rng, high=1.0)
    expected = ((x * 255).astype(np.uint8) >> 4 << 4) / 255.0
    layer = RandomPosterization((4, 4), value_range=(0, 1), seed=1)
    np.testing.assert_allclose(np.asarray(layer(x)), expected, atol=1e-6)


def test_random_posterization_random_behaviour(rng):
    check_random_layer(lambda seed: RandomPosterization(3, seed=seed), images(rng))
    bits = np.asarray(
        RandomPosterization((2, 6), seed=1).get_random_transformation(images(rng))["shift_factor"]
    )
    assert ((bits >= 3) & (bits <= 6)).all()  # 8 - [2, 6)


@pytest.mark.parametrize("factor", [0, 9, (1, 2, 3)])
def test_random_posterization_bad_factor(factor):
    with pytest.raises(ValueError, match="factor"):
        RandomPosterization(factor)
