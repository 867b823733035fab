import numpy as np
import pytest

from lamina.layers.preprocessing.image_preprocessing.random_brightness import RandomBrightness
from lamina.layers.preprocessing.image_preprocessing.random_color_jitter import RandomColorJitter
from lamina.layers.preprocessing.image_preprocessing.random_hue import RandomHue
from tests.harness import assert_close
from tests.layers.preprocessing.image_preprocessing.augmentation_checks import (
    check_random_layer,
    hsv_to_rgb,
    images,
    rgb_to_hsv,
)


def test_random_color_jitter_applies_its_stages_in_order(rng):
    x = images(rng)
    delta = np.array([-20.0, 5.0, 40.0]).reshape(3, 1, 1, 1)
    shift = np.array([0.1, -0.3, 0.2])
    hsv = rgb_to_hsv(np.clip(x + delta, 0, 255) / 255.0)
    hsv[..., 0] = np.mod(hsv[..., 0] + shift[:, None, None], 1.0)
    expected = np.clip(hsv_to_rgb(hsv), 0, 1) * 255
    layer = RandomColorJitter(brightness_factor=0.2, hue_factor=0.7)
    assert isinstance(layer.random_brightness, RandomBrightness)
    assert isinstance(layer.random_hue, RandomHue)
    assert layer.random_contrast is None
    assert layer.random_saturation is None
    transformation = {
        "random_brightness": {"rgb_delta": delta.astype("float32")},
        "random_hue": {"factor": shift.astype("float32")},
    }
    assert_close(layer.transform_images(x, transformation), expected, atol=1e-2)


def test_random_color_jitter_random_behaviour(rng):
    def make(seed):
        return RandomColorJitter(
            brightness_factor=0.2,
            contrast_factor=0.3,
            saturation_factor=(0.4, 0.6),
            hue_factor=0.1,
            seed=seed,
        )

    check_random_layer(make, images(rng))
    x = images(rng)
    np.testing.assert_array_equal(np.asarray(RandomColorJitter()(x)), x)  # no stage: identity


def test_random_color_jitter_bad_factor_names_the_argument():
    with pytest.raises(ValueError, match="factor"):
        RandomColorJitter(contrast_factor=2.0)
    with pytest.raises(ValueError, match="value_range"):
        RandomColorJitter(value_range=1)
