import numpy as np
import pytest

import lamina as keras
from lamina.layers.activations import ReLU
from tests.harness import assert_close, check_config_roundtrip


def relu_reference(x, max_value=None, negative_slope=0.0, threshold=0.0):
    """Keras's piecewise definition of ReLU, in float64."""
    ceiling = np.inf if max_value is None else max_value
    return np.select(
        [x >= ceiling, x >= threshold], [ceiling, x], default=negative_slope * (x - threshold)
    )


CASES = [
    {},
    {"max_value": 6.0},
    {"max_value": 1.0},
    {"negative_slope": 0.1},
    {"threshold": 0.5},
    {"max_value": 1.5, "negative_slope": 0.2, "threshold": 0.3},
    {"max_value": 0.8, "negative_slope": 0.5},
]


@pytest.mark.parametrize("kwargs", CASES, ids=lambda kwargs: str(kwargs) or "default")
def test_relu_matches_numpy(rng, kwargs):
    x = 2.0 * rng.standard_normal((4, 6)).astype("float32")
    assert_close(ReLU(**kwargs)(x), relu_reference(x.astype(np.float64), **kwargs))


def test_relu_docstring_example():
    layer = ReLU(max_value=10, negative_slope=0.5, threshold=0)
    assert_close(layer(np.array([-10.0, -5.0, 0.0, 5.0, 20.0])), [-5.0, -2.5, 0.0, 5.0, 10.0])


@pytest.mark.parametrize(
    ("kwargs", "argument"),
    [
        ({"max_value": -1.0}, "max_value"),
        ({"negative_slope": -0.1}, "negative_slope"),
        ({"negative_slope": None}, "negative_slope"),
        ({"threshold": -0.5}, "threshold"),
        ({"threshold": None}, "threshold"),
    ],
)
def test_relu_rejects_negative_arguments(kwargs, argument):
    with pytest.raises(ValueError, match=argument):
        ReLU(**kwargs)


def test_relu_config_roundtrip():
    clone = check_config_roundtrip(ReLU(max_value=2.0, negative_slope=0.1, threshold=0.5))
    config = clone.get_config()
    assert (config["max_value"], config["negative_slope"], config["threshold"]) == (2.0, 0.1, 0.5)
    assert clone.supports_masking


def test_relu_symbolic_shape():
    assert ReLU()(keras.Input((5, 2))).shape == (None, 5, 2)
