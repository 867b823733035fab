import numpy as np
import pytest

import lamina as keras
from lamina.layers.core import Activation
from tests.harness import assert_close, check_config_roundtrip

REFERENCES = {
    "relu": lambda x: np.maximum(x, 0.0),
    "tanh": np.tanh,
    "sigmoid": lambda x: 1.0 / (1.0 + np.exp(-x)),
    "linear": lambda x: x,
    None: lambda x: x,
}


@pytest.mark.parametrize("activation", list(REFERENCES))
def test_activation_matches_numpy(rng, activation):
    x = rng.standard_normal((3, 4)).astype("float32")
    assert_close(Activation(activation)(x), REFERENCES[activation](x.astype(np.float64)))


def test_activation_accepts_a_callable(rng):
    x = rng.standard_normal((2, 3)).astype("float32")
    assert_close(Activation(lambda t: t * 2.0)(x), 2.0 * x)


def test_activation_config_roundtrip():
    clone = check_config_roundtrip(Activation("tanh", name="act"))
    assert clone.get_config()["activation"] == "tanh"


def test_activation_symbolic_shape_equals_eager(rng):
    layer = Activation("relu")
    assert layer(keras.Input((5, 2))).shape == (None, 5, 2)
    assert tuple(layer(rng.standard_normal((3, 5, 2))).shape) == (3, 5, 2)


def test_activation_rejects_unknown_name():
    with pytest.raises(ValueError, match="Unknown activation"):
        Activation("not_an_activation")
