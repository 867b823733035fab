import numpy as np
import pytest

import lamina
from lamina.layers.preprocessing.image_preprocessing.auto_contrast import AutoContrast
from tests.harness import assert_close, check_config_roundtrip
from tests.layers.preprocessing.image_preprocessing.augmentation_checks import images


@pytest.mark.parametrize("data_format", ["channels_last", "channels_first"])
def test_auto_contrast_matches_numpy(rng, data_format):
    x = images(rng, high=1.0) * 0.5 + 0.2
    x[1, ..., 2] = 0.4  # a constant channel is kept
    low, high = x.min(axis=(1, 2), keepdims=True), x.max(axis=(1, 2), keepdims=True)
    spread = np.where(high > low, high - low, 1.0)
    expected = np.where(high > low, (x - low) / spread, x)
    if data_format == "channels_first":
        x, expected = x.transpose(0, 3, 1, 2), expected.transpose(0, 3, 1, 2)
    layer = AutoContrast(value_range=(0, 1), data_format=data_format)
    assert_close(layer(x, training=False), expected, atol=1e-5)  # deterministic: always on


def test_auto_contrast_one_image_symbolic_and_config(rng):
    x = images(rng)
    layer = AutoContrast()
    assert_close(layer(x[0]), np.asarray(layer(x))[0], atol=1e-4)
    assert tuple(layer(lamina.Input((5, 6, 3))).shape) == (None, 5, 6, 3)
    assert check_config_roundtrip(AutoContrast((-1, 1))).value_range == [-1, 1]
    with pytest.raises(ValueError, match="value_range"):
        AutoContrast(value_range=(0, 1, 2))
