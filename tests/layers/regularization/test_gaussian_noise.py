import numpy as np
import pytest

import lamina as keras
from lamina.layers import GaussianNoise
from tests.harness import assert_close, check_config_roundtrip, to_numpy


def test_adds_zero_centred_noise_while_training(rng):
    x = rng.standard_normal((200, 100)).astype("float32")
    layer = GaussianNoise(0.4, seed=5)
    assert_close(layer(x), x)
    noise = to_numpy(layer(x, training=True)) - x
    assert abs(noise.mean()) < 0.01
    assert abs(noise.std() - 0.4) < 0.01


def test_seed_repeats_config_and_symbolic(rng):
    x = rng.standard_normal((3, 4)).astype("float32")
    first = to_numpy(GaussianNoise(0.2, seed=9)(x, training=True))
    np.testing.assert_array_equal(first, to_numpy(GaussianNoise(0.2, seed=9)(x, training=True)))
    assert check_config_roundtrip(GaussianNoise(0.2, seed=9)).get_config()["stddev"] == 0.2
    assert GaussianNoise(0.2)(keras.Input((4,))).shape == (None, 4)
    with pytest.raises(ValueError, match="'stddev'.*stddev=-1"):
        GaussianNoise(-1)
