import numpy as np
import pytest

import lamina as keras
from lamina.layers.regularization import Dropout
from tests.harness import assert_close, check_config_roundtrip, to_numpy


@pytest.mark.parametrize("training", [None, False])
def test_dropout_is_identity_at_inference(rng, training):
    x = rng.standard_normal((8, 16)).astype("float32")
    assert_close(Dropout(0.5)(x, training=training), x)


@pytest.mark.parametrize("rate", [0.1, 0.5, 0.8])
def test_dropout_keeps_about_one_minus_rate_and_rescales(rng, rate):
    x = rng.uniform(1.0, 2.0, size=(200, 100)).astype("float32")  # never zero
    y = to_numpy(Dropout(rate, seed=3)(x, training=True))
    kept = y != 0
    assert abs(kept.mean() - (1 - rate)) < 0.02
    assert_close(y[kept], x[kept] / (1 - rate), rtol=1e-6)


def test_dropout_same_seed_gives_same_mask(rng):
    x = rng.uniform(1.0, 2.0, size=(10, 20)).astype("float32")
    first = to_numpy(Dropout(0.5, seed=42)(x, training=True))
    second = to_numpy(Dropout(0.5, seed=42)(x, training=True))
    np.testing.assert_array_equal(first, second)


def test_dropout_draws_a_new_mask_per_call(rng):
    x = rng.uniform(1.0, 2.0, size=(10, 20)).astype("float32")
    layer = Dropout(0.5, seed=42)
    assert not np.array_equal(to_numpy(layer(x, training=True)), to_numpy(layer(x, training=True)))


def test_dropout_noise_shape_shares_the_mask(rng):
    x = rng.uniform(1.0, 2.0, size=(4, 6, 5)).astype("float32")
    y = to_numpy(Dropout(0.5, noise_shape=(None, 1, 5), seed=1)(x, training=True))
    kept = y != 0
    assert np.all(kept == kept[:, :1, :])  # one mask for every step


@pytest.mark.parametrize(("rate", "expected"), [(0.0, "identity"), (1.0, "zeros")])
def test_dropout_edge_rates(rng, rate, expected):
    x = rng.standard_normal((3, 4)).astype("float32")
    y = Dropout(rate)(x, training=True)
    assert_close(y, x if expected == "identity" else np.zeros_like(x))


def test_dropout_config_roundtrip():
    clone = check_config_roundtrip(Dropout(0.3, noise_shape=(None, 1), seed=5, name="drop"))
    assert (clone.rate, clone.seed, clone.noise_shape) == (0.3, 5, (None, 1))


def test_dropout_symbolic_shape_equals_eager(rng):
    layer = Dropout(0.5)
    assert layer(keras.Input((3, 2))).shape == (None, 3, 2)
    assert tuple(layer(rng.standard_normal((4, 3, 2)), training=True).shape) == (4, 3, 2)


@pytest.mark.parametrize("rate", [-0.1, 1.5, "0.5", None, True])
def test_dropout_rejects_bad_rate(rate):
    with pytest.raises(ValueError, match="rate"):
        Dropout(rate)


def test_dropout_rejects_noise_shape_of_wrong_rank(rng):
    with pytest.raises(ValueError, match="noise_shape"):
        Dropout(0.5, noise_shape=(None, 1))(rng.standard_normal((2, 3, 4)), training=True)
