"""Conv2D gradients against finite differences of the NumPy reference, in float64."""

import numpy as np
import pytest

from lamina.layers.convolutional import Conv2D
from tests.harness import assert_close, engine_gradients, numeric_gradients
from tests.layers.convolutional.conv_reference import conv_reference


@pytest.mark.parametrize(
    "kwargs",
    [
        {"kernel_size": 3},
        {"kernel_size": 3, "padding": "same", "strides": 2},
        {"kernel_size": 2, "padding": "same"},  # uneven 'same' padding
        {"kernel_size": 2, "dilation_rate": 2, "data_format": "channels_first"},
        {"kernel_size": (2, 3), "groups": 2, "strides": (2, 1)},
    ],
    ids=lambda kwargs: "-".join(f"{k}={v}" for k, v in kwargs.items()),
)
def test_conv2d_gradients_match_finite_differences(kwargs, rng):
    data_format = kwargs.get("data_format", "channels_last")
    shape = (2, 4, 5, 5) if data_format == "channels_first" else (2, 5, 5, 4)
    x = rng.standard_normal(shape)
    layer = Conv2D(4, activation="tanh", dtype="float64", **kwargs)
    layer.build(x.shape)
    layer.set_weights([rng.standard_normal(w.shape) * 0.5 for w in layer.get_weights()])
    kernel, bias = layer.get_weights()
    options = {k: v for k, v in kwargs.items() if k not in ("kernel_size", "groups")}

    def reference(x, kernel, bias):
        return np.tanh(conv_reference(x, kernel, bias, **options))

    got = engine_gradients(layer, [x], variables=layer.weights)
    want = numeric_gradients(reference, [x, kernel, bias])
    for name, g, w in zip(("inputs", "kernel", "bias"), got, want):
        assert_close(g, w, rtol=1e-6, atol=1e-7, err_msg=f"gradient of {name}")
