import numpy as np
import pytest

import lamina as keras
from lamina.layers.activations import LeakyReLU
from tests.harness import assert_close, check_config_roundtrip


@pytest.mark.parametrize("negative_slope", [None, 0.0, 0.01, 1.5])
def test_leaky_relu_matches_numpy(rng, negative_slope):
    x = rng.standard_normal((3, 7)).astype("float32")
    layer = LeakyReLU() if negative_slope is None else LeakyReLU(negative_slope)
    slope = 0.3 if negative_slope is None else negative_slope  # the layer's own default
    x64 = x.astype(np.float64)
    assert_close(layer(x), np.where(x64 >= 0, x64, slope * x64))


def test_leaky_relu_accepts_deprecated_alpha():
    with pytest.warns(UserWarning, match="deprecated"):
        layer = LeakyReLU(alpha=0.2)
    assert layer.negative_slope == 0.2
    assert "alpha" not in layer.get_config()


@pytest.mark.parametrize("negative_slope", [-0.1, None])
def test_leaky_relu_rejects_bad_slope(negative_slope):
    with pytest.raises(ValueError, match="negative_slope"):
        LeakyReLU(negative_slope=negative_slope)


def test_leaky_relu_config_roundtrip():
    clone = check_config_roundtrip(LeakyReLU(negative_slope=0.05, name="leaky"))
    assert clone.get_config()["negative_slope"] == 0.05
    assert clone.supports_masking


def test_leaky_relu_symbolic_shape():
    assert LeakyReLU()(keras.Input((4,))).shape == (None, 4)
