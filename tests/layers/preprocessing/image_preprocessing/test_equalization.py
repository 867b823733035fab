import numpy as np
import pytest

import lamina
from lamina.layers.preprocessing.image_preprocessing.equalization import Equalization
from tests.harness import assert_close, check_config_roundtrip
from tests.layers.preprocessing.image_preprocessing.augmentation_checks import images


def equalize(x, bins):
    """Per channel, over the whole batch (as Keras 3.15 does), in [0, 255] units."""
    out = np.empty(x.shape)
    for c in range(x.shape[-1]):
        channel = x[..., c].astype(np.float64)
        indices = np.clip((channel * (bins - 1) / 255.0).astype(int), 0, bins - 1)
        histogram = np.bincount(indices.ravel(), minlength=bins)
        if np.count_nonzero(histogram) <= 1:
            out[..., c] = channel
            continue
        cdf = np.cumsum(histogram)
        cdf_min = cdf[np.nonzero(cdf)[0][0]]
        lookup = np.clip(np.round((cdf - cdf_min) * 255 / (cdf[-1] - cdf_min)), 0, 255)
        out[..., c] = lookup[np.clip(channel / 255 * (bins - 1), 0, bins - 1).astype(int)]
    return out


@pytest.mark.parametrize("bins", [256, 16])
def test_equalization_matches_numpy(rng, bins):
    x = images(rng) * 0.5 + 30
    x[..., 2] = 77.0  # one occupied bin: kept
    assert_close(Equalization(bins=bins)(x), equalize(x, bins), atol=1e-3)


def test_equalization_value_range_channels_first_and_inference(rng):
    x = images(rng, high=1.0)
    expected = equalize(x * 255, 64) / 255
    layer = Equalization(value_range=(0, 1), bins=64, data_format="channels_first")
    assert_close(layer(x.transpose(0, 3, 1, 2)), expected.transpose(0, 3, 1, 2), atol=1e-5)
    np.testing.assert_array_equal(
        np.asarray(layer(x.transpose(0, 3, 1, 2), training=False)), x.transpose(0, 3, 1, 2)
    )


def test_equalization_symbolic_and_config(rng):
    layer = Equalization(bins=32)
    assert tuple(layer(lamina.Input((5, 6, 3))).shape) == (None, 5, 6, 3)
    assert check_config_roundtrip(layer).bins == 32
    with pytest.raises(ValueError, match="bins"):
        Equalization(bins=0)
