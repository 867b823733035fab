"""Checks shared by the convolution, pooling and reshaping layer tests.

Each takes a layer, seeded random inputs and a float64 NumPy reference; the per-layer test
files hold only their cases and the arguments Keras documents.
"""

from __future__ import annotations

import json

import numpy as np
import pytest

import lamina as keras
from lamina import initializers
from tests.harness import assert_close, check_config_roundtrip, engine_gradients, numeric_gradients

DATA_FORMATS = ["channels_last", "channels_first"]


def channels_first(shape):
    """A channels_last shape with its channel axis moved to position 1."""
    return (shape[0], shape[-1], *shape[1:-1])


def inputs_for(shape, data_format, rng):
    """Random float64 inputs of the channels_last ``shape``, laid out for ``data_format``."""
    x = rng.standard_normal(shape)
    return x if data_format == "channels_last" else np.moveaxis(x, -1, 1)


_INITIALIZERS = ("kernel_initializer", "depthwise_initializer", "pointwise_initializer")


def set_random_weights(layer, input_shape, rng, scale=1.0):
    """Build ``layer`` and give every weight seeded random values; returns them (float64).

    The layer's random initializers are skipped (zeros): their values are replaced at once,
    and on JAX each new weight shape would compile a random kernel (seconds on a CPU).
    """
    for name in _INITIALIZERS:
        if hasattr(layer, name):
            setattr(layer, name, initializers.get("zeros"))
    layer.build(input_shape)
    weights = [rng.standard_normal(w.shape) * scale for w in layer.get_weights()]
    layer.set_weights(weights)
    return weights


def check_forward(layer, x, expected, rtol=1e-4, atol=1e-4):
    """Eager outputs equal ``expected``; compute_output_shape and a symbolic call with an
    unknown batch size agree with the eager shape."""
    outputs = layer(x.astype("float32"))
    assert tuple(outputs.shape) == expected.shape == tuple(layer.compute_output_shape(x.shape))
    assert_close(outputs, expected, rtol=rtol, atol=atol)
    symbolic = layer(keras.Input(x.shape[1:]))
    assert symbolic.shape == (None, *expected.shape[1:])


def check_gradients(layer, x, reference, rtol=1e-6, atol=1e-7):
    """Engine gradients of sum(layer(x)) w.r.t. x and each weight equal central differences
    of ``reference(x, *weights)`` (float64); ``layer`` must be built in float64."""
    weights = layer.get_weights()
    got = engine_gradients(layer, [x], variables=layer.weights)
    want = numeric_gradients(reference, [x, *weights])
    names = ["inputs"] + [v.name for v in layer.weights]
    for name, g, w in zip(names, got, want):
        assert_close(g, w, rtol=rtol, atol=atol, err_msg=f"gradient of {name}")


def check_config(layer, keys):
    """The config has exactly Keras's ``keys`` and survives JSON and from_config."""
    config = layer.get_config()
    assert set(config) == set(keys)
    assert type(layer).from_config(json.loads(json.dumps(config))).get_config() == config
    return check_config_roundtrip(layer)


def check_rejects_wrong_rank_and_channels(layer, good_shape, rng, check_channels=True):
    """A wrong input rank (and, once built, a wrong channel count) is refused by name."""
    bad_rank = rng.standard_normal(good_shape[:-1]).astype("float32")
    with pytest.raises(ValueError, match=f"{layer.name}.*expected ndim={len(good_shape)}"):
        layer(bad_rank)
    layer(rng.standard_normal(good_shape).astype("float32"))
    if check_channels:
        wrong = (*good_shape[:-1], good_shape[-1] + 1)
        with pytest.raises(ValueError, match=f"{layer.name}.*expected axis -1"):
            layer(rng.standard_normal(wrong).astype("float32"))
