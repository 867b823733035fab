"""Conv3D: values, gradients, shapes, weights, config and errors."""

import pytest

from lamina.layers.convolutional import Conv3D, Convolution3D
from tests.layers.convolutional.conv_reference import conv_reference
from tests.layers.window_layer_checks import (
    DATA_FORMATS,
    check_config,
    check_forward,
    check_gradients,
    check_rejects_wrong_rank_and_channels,
    inputs_for,
    set_random_weights,
)

CASES = [
    {"filters": 3, "kernel_size": 2},
    {"filters": 3, "kernel_size": (2, 3, 2), "strides": (1, 2, 1), "padding": "same"},
    {"filters": 2, "kernel_size": 2, "dilation_rate": (2, 1, 1), "activation": "relu"},
    {"filters": 4, "kernel_size": 2, "groups": 2, "padding": "same", "use_bias": False},
]
OPTIONS = ("strides", "padding", "dilation_rate")


def _case_id(kwargs):
    return "-".join(f"{k}={v}" for k, v in kwargs.items())


def _reference(x, weights, kwargs, data_format="channels_last"):
    kernel, bias = (weights + [None])[:2]
    options = {k: v for k, v in kwargs.items() if k in OPTIONS}
    out = conv_reference(x, kernel, bias, data_format=data_format, **options)
    return out.clip(min=0) if kwargs.get("activation") == "relu" else out


@pytest.mark.parametrize("data_format", DATA_FORMATS)
@pytest.mark.parametrize("kwargs", CASES, ids=_case_id)
def test_conv3d_matches_numpy(kwargs, data_format, rng):
    x = inputs_for((2, 4, 5, 4, 4), data_format, rng)
    layer = Conv3D(**kwargs, data_format=data_format)
    weights = set_random_weights(layer, x.shape, rng)
    check_forward(layer, x, _reference(x, weights, kwargs, data_format))


def test_conv3d_gradients_match_finite_differences(rng):
    x = rng.standard_normal((1, 3, 4, 3, 2))
    kwargs = {"filters": 2, "kernel_size": 2, "groups": 2, "strides": (1, 2, 1), "padding": "same"}
    layer = Conv3D(**kwargs, dtype="float64")
    set_random_weights(layer, x.shape, rng, scale=0.5)
    check_gradients(layer, x, lambda x, *weights: _reference(x, list(weights), kwargs))


def test_conv3d_weights_names_shapes_and_defaults():
    assert Conv3D(2, 3).name == "conv3d"  # the first of the session
    layer = Conv3D(6, (3, 2, 1), groups=2, name="conv", kernel_initializer="zeros")
    layer.build((None, 5, 5, 5, 4))
    assert [v.path for v in layer.weights] == ["conv/kernel", "conv/bias"]
    assert [tuple(v.shape) for v in layer.weights] == [(3, 2, 1, 2, 6), (6,)]
    config = Conv3D(2, 3).get_config()
    assert (config["strides"], config["dilation_rate"], config["padding"]) == (
        (1, 1, 1),
        (1, 1, 1),
        "valid",
    )
    assert Convolution3D is Conv3D


KERAS_CONFIG_KEYS = {
    "name", "trainable", "dtype", "filters", "kernel_size", "strides", "padding",
    "data_format", "dilation_rate", "groups", "activation", "use_bias", "kernel_initializer",
    "bias_initializer", "kernel_regularizer", "bias_regularizer", "activity_regularizer",
    "kernel_constraint", "bias_constraint",
}  # fmt: skip


def test_conv3d_config_roundtrip():
    layer = Conv3D(4, (3, 2, 2), strides=2, padding="same", data_format="channels_first",
                   groups=2, kernel_regularizer="l2", use_bias=False)  # fmt: skip
    clone = check_config(layer, KERAS_CONFIG_KEYS)
    assert (clone.kernel_size, clone.strides, clone.groups) == ((3, 2, 2), (2, 2, 2), 2)


def test_conv3d_rejects_bad_arguments_and_inputs(rng):
    with pytest.raises(ValueError, match="kernel_size must be a positive int or a tuple of 3"):
        Conv3D(2, (3, 3))
    with pytest.raises(ValueError, match="padding must be one of"):
        Conv3D(2, 3, padding="causal")
    with pytest.raises(ValueError, match="too small for the kernel"):
        Conv3D(2, 3)(rng.standard_normal((1, 2, 4, 4, 1)).astype("float32"))
    layer = Conv3D(2, 2, kernel_initializer="ones")  # no random kernel to compile on JAX
    check_rejects_wrong_rank_and_channels(layer, (1, 3, 3, 3, 2), rng)
