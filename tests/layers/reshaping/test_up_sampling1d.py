import numpy as np
import pytest

import lamina as keras
from lamina.layers.reshaping import UpSampling1D
from tests.harness import assert_close, check_config_roundtrip


@pytest.mark.parametrize("size", [1, 2, 3])
def test_up_sampling1d_matches_numpy(size, rng):
    x = rng.standard_normal((2, 4, 3))
    layer = UpSampling1D(size)
    expected = np.stack([x[:, t // size] for t in range(4 * size)], axis=1)  # step t <- t // size
    assert_close(layer(x.astype("float32")), expected)
    assert layer(keras.Input((4, 3))).shape == (None, *expected.shape[1:])
    assert layer(keras.Input((None, 3))).shape == (None, None, 3)


def test_up_sampling1d_config_roundtrip():
    config = UpSampling1D(3, name="up").get_config()
    assert config["size"] == 3
    assert UpSampling1D().get_config()["size"] == 2
    assert check_config_roundtrip(UpSampling1D(3)).size == 3


@pytest.mark.parametrize("size", [0, -1, 2.0, (2,), True])
def test_up_sampling1d_rejects_bad_size(size):
    with pytest.raises(ValueError, match="size must be a positive integer"):
        UpSampling1D(size)


def test_up_sampling1d_rejects_wrong_rank(rng):
    with pytest.raises(ValueError, match="expected ndim=3"):
        UpSampling1D()(rng.standard_normal((2, 4)))
