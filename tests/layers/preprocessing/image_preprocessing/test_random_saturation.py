import numpy as np
import pytest

from lamina.layers.preprocessing.image_preprocessing.random_saturation import RandomSaturation
from tests.layers.preprocessing.image_preprocessing.augmentation_checks import (
    check_random_layer,
    check_transformation,
    hsv_to_rgb,
    images,
    rgb_to_hsv,
)


@pytest.mark.parametrize("data_format", ["channels_last", "channels_first"])
def test_random_saturation_matches_numpy(rng, data_format):
    x = images(rng, high=1.0)
    scale = np.array([0.3, 1.0, 2.5])
    hsv = rgb_to_hsv(x.astype(np.float64))
    hsv[..., 1] = np.clip(hsv[..., 1] * scale[:, None, None], 0, 1)
    expected = hsv_to_rgb(hsv)
    if data_format == "channels_first":
        x, expected = x.transpose(0, 3, 1, 2), expected.transpose(0, 3, 1, 2)
    layer = RandomSaturation((0.2, 0.8), value_range=(0, 1), data_format=data_format)
    check_transformation(layer, x, {"factor": scale.astype("float32")}, expected, atol=1e-5)


def test_random_saturation_draws_t_over_one_minus_t(rng):
    layer = RandomSaturation((0.25, 0.5), seed=5)
    scale = np.asarray(layer.get_random_transformation(images(rng))["factor"])
    assert ((scale >= 1 / 3 - 1e-5) & (scale <= 1.0 + 1e-5)).all()
    assert RandomSaturation(0.5).factor == (-0.5, 0.5)  # Keras 3.15's base factor


def test_random_saturation_random_behaviour(rng):
    check_random_layer(
        lambda seed: RandomSaturation((0.6, 0.9), value_range=(0, 1), seed=seed),
        images(rng, high=1.0),
    )


def test_random_saturation_bad_arguments():
    with pytest.raises(ValueError, match="factor"):
        RandomSaturation(3.0)
    with pytest.raises(ValueError, match="value_range"):
        RandomSaturation(0.5, value_range=None)
