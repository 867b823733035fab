import math

import numpy as np
import pytest

import lamina as keras
from lamina.layers import GaussianDropout
from tests.harness import assert_close, check_config_roundtrip, to_numpy


def test_multiplies_by_one_centred_noise_while_training(rng):
    x = rng.uniform(1.0, 2.0, size=(200, 100)).astype("float32")
    layer = GaussianDropout(0.3, seed=5)
    assert_close(layer(x), x)
    noise = to_numpy(layer(x, training=True)) / x
    assert abs(noise.mean() - 1.0) < 0.01
    assert abs(noise.std() - math.sqrt(0.3 / 0.7)) < 0.01


def test_seed_repeats_config_and_symbolic(rng):
    x = rng.standard_normal((3, 4)).astype("float32")
    first = to_numpy(GaussianDropout(0.2, seed=9)(x, training=True))
    np.testing.assert_array_equal(first, to_numpy(GaussianDropout(0.2, seed=9)(x, training=True)))
    assert check_config_roundtrip(GaussianDropout(0.2, seed=9)).get_config()["rate"] == 0.2
    assert GaussianDropout(0.2)(keras.Input((4,))).shape == (None, 4)


def test_bad_rate(rng):
    with pytest.raises(ValueError, match="'rate'.*rate=1.5"):
        GaussianDropout(1.5)
    with pytest.raises(ValueError, match="rate=1"):
        GaussianDropout(1.0)(rng.standard_normal((2, 2)), training=True)
