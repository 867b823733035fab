import numpy as np
import pytest

import lamina as keras
from lamina.layers import AlphaDropout
from tests.harness import assert_close, check_config_roundtrip, to_numpy

ALPHA_P = -1.6732632423543772 * 1.0507009873554805  # SELU's negative saturation


def test_dropped_units_take_the_saturation_value_then_affine(rng):
    rate = 0.3
    x = rng.standard_normal((100, 50)).astype("float32")
    layer = AlphaDropout(rate, seed=4)
    assert_close(layer(x), x)
    y = to_numpy(layer(x, training=True))
    a = ((1 - rate) * (1 + rate * ALPHA_P**2)) ** -0.5
    b = -a * ALPHA_P * rate
    kept = np.isclose(y, a * x + b, rtol=1e-5, atol=1e-6)
    dropped = np.isclose(y, a * ALPHA_P + b, rtol=1e-5, atol=1e-6)
    assert (kept | dropped).all()
    assert abs(dropped.mean() - rate) < 0.02


def test_self_normalizing_inputs_keep_mean_and_variance(rng):
    x = rng.standard_normal((400, 100)).astype("float32")
    y = to_numpy(AlphaDropout(0.2, seed=1)(x, training=True))
    assert abs(y.mean()) < 0.03
    assert abs(y.std() - 1.0) < 0.03


def test_noise_shape_seed_config_and_errors(rng):
    x = rng.standard_normal((4, 6, 5)).astype("float32")
    layer = AlphaDropout(0.5, noise_shape=(None, 1, 5), seed=2)
    y = to_numpy(layer(x, training=True))
    a = (0.5 * (1 + 0.5 * ALPHA_P**2)) ** -0.5
    saturated = np.isclose(y, a * ALPHA_P * (1 - 0.5), atol=1e-6)  # a * ALPHA_P + b, rate 0.5
    assert (saturated == saturated[:, :1, :]).all()  # the same units at every step
    again = to_numpy(AlphaDropout(0.5, noise_shape=(None, 1, 5), seed=2)(x, training=True))
    np.testing.assert_array_equal(y, again)
    config = check_config_roundtrip(layer).get_config()
    assert config["noise_shape"] == [None, 1, 5]
    assert layer(keras.Input((6, 5))).shape == (None, 6, 5)
    with pytest.raises(ValueError, match="'rate'"):
        AlphaDropout(-0.1)
    with pytest.raises(ValueError, match="noise_shape"):
        AlphaDropout(0.5, noise_shape=(1, 5))(x, training=True)
