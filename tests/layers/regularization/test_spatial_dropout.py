import numpy as np
import pytest

import lamina as keras
from lamina.layers import SpatialDropout1D, SpatialDropout2D, SpatialDropout3D
from tests.harness import assert_close, check_config_roundtrip, to_numpy

CASES = [
    (SpatialDropout1D, {}, (6, 5, 40), -1),
    (SpatialDropout2D, {}, (6, 3, 4, 40), -1),
    (SpatialDropout2D, {"data_format": "channels_first"}, (6, 40, 3, 4), 1),
    (SpatialDropout3D, {}, (4, 2, 3, 2, 40), -1),
]


@pytest.mark.parametrize(("cls", "kwargs", "shape", "channel_axis"), CASES)
def test_whole_channels_are_dropped_and_the_rest_rescaled(rng, cls, kwargs, shape, channel_axis):
    x = rng.uniform(1.0, 2.0, size=shape).astype("float32")  # never zero
    layer = cls(0.5, seed=7, **kwargs)
    assert_close(layer(x), x)  # inference: identity
    y = to_numpy(layer(x, training=True))
    kept = y != 0
    spatial = tuple(i for i in range(1, len(shape)) if i != channel_axis % len(shape))
    per_channel = kept.all(axis=spatial)
    assert np.array_equal(per_channel, kept.any(axis=spatial))  # all or nothing per channel
    assert 0.3 < per_channel.mean() < 0.7
    assert_close(y[kept], x[kept] * 2.0, rtol=1e-6)


def test_same_seed_repeats_and_calls_differ(rng):
    x = rng.uniform(1.0, 2.0, size=(4, 3, 20)).astype("float32")
    first = to_numpy(SpatialDropout1D(0.5, seed=3)(x, training=True))
    np.testing.assert_array_equal(first, to_numpy(SpatialDropout1D(0.5, seed=3)(x, training=True)))
    layer = SpatialDropout1D(0.5, seed=3)
    assert not np.array_equal(to_numpy(layer(x, training=True)), to_numpy(layer(x, training=True)))


def test_config_has_keras_keys_and_round_trips():
    config = check_config_roundtrip(SpatialDropout2D(0.2, data_format="channels_first", seed=1))
    assert set(config.get_config()) == {"rate", "seed", "name", "dtype", "data_format"}
    assert set(SpatialDropout1D(0.2).get_config()) == {"rate", "seed", "name", "dtype"}


def test_symbolic_shape_and_rank_errors(rng):
    assert SpatialDropout3D(0.5)(keras.Input((2, 3, 2, 4))).shape == (None, 2, 3, 2, 4)
    with pytest.raises(ValueError, match="expected ndim=3"):
        SpatialDropout1D(0.5)(rng.standard_normal((2, 3)))
    with pytest.raises(ValueError, match="rate"):
        SpatialDropout2D(1.5)
