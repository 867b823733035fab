import numpy as np
import pytest

from lamina.layers.preprocessing.image_preprocessing.random_invert import RandomInvert
from tests.layers.preprocessing.image_preprocessing.augmentation_checks import (
    check_random_layer,
    check_transformation,
    images,
)


def test_random_invert_matches_numpy(rng):
    x = images(rng, high=1.0)
    apply = np.array([True, False, True])
    expected = np.where(apply[:, None, None, None], 1.0 - x, x)
    layer = RandomInvert(value_range=(0, 1))
    check_transformation(layer, x, {"apply_inversion": apply}, expected)


def test_random_invert_random_behaviour(rng):
    check_random_layer(lambda seed: RandomInvert(seed=seed), images(rng))
    x = images(rng)
    np.testing.assert_allclose(np.asarray(RandomInvert((1.0, 1.0))(x)), 255 - x, rtol=1e-6)
    np.testing.assert_array_equal(np.asarray(RandomInvert(0.0)(x)), x)


@pytest.mark.parametrize(("argument", "value"), [("factor", 2.0), ("value_range", "01")])
def test_random_invert_bad_arguments(argument, value):
    with pytest.raises(ValueError, match=argument):
        RandomInvert(**{argument: value})
