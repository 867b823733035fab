"""DepthwiseConv1D: values, gradients, shapes, weights, config and errors."""

import pytest

from lamina.layers.convolutional import DepthwiseConv1D
from tests.layers.convolutional.conv_transpose_reference import depthwise_conv_reference
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
    {"kernel_size": 3},
    {"kernel_size": 3, "depth_multiplier": 2, "strides": 2, "padding": "same"},
    {"kernel_size": 2, "depth_multiplier": 3, "dilation_rate": 3, "activation": "relu"},
    {"kernel_size": 4, "padding": "same", "use_bias": False},
]
OPTIONS = ("strides", "padding", "dilation_rate")


def _case_id(kwargs):
    return "-".join(f"{k}={v}" for k, v in kwargs.items())


def _reference(x, weights, kwargs, data_format="channels_last"):
    kernel, bias = (weights + [None])[:2]
    options = {k: v for k, v in kwargs.items() if k in OPTIONS}
    out = depthwise_conv_reference(x, kernel, bias, data_format=data_format, **options)
    return out.clip(min=0) if kwargs.get("activation") == "relu" else out


@pytest.mark.parametrize("data_format", DATA_FORMATS)
@pytest.mark.parametrize("kwargs", CASES, ids=_case_id)
def test_depthwise_conv1d_matches_numpy(kwargs, data_format, rng):
    x = inputs_for((2, 9, 3), data_format, rng)
    layer = DepthwiseConv1D(**kwargs, data_format=data_format)
    weights = set_random_weights(layer, x.shape, rng)
    check_forward(layer, x, _reference(x, weights, kwargs, data_format))


def test_depthwise_conv1d_gradients_match_finite_differences(rng):
    x = rng.standard_normal((2, 7, 3))
    kwargs = {"kernel_size": 3, "depth_multiplier": 2, "strides": 2, "padding": "same"}
    layer = DepthwiseConv1D(**kwargs, dtype="float64")
    set_random_weights(layer, x.shape, rng)
    check_gradients(layer, x, lambda x, *weights: _reference(x, list(weights), kwargs))


def test_depthwise_conv1d_weights_names_shapes_and_defaults():
    assert DepthwiseConv1D(3).name == "depthwise_conv1d"  # the first of the session
    layer = DepthwiseConv1D(3, depth_multiplier=2, name="dw", depthwise_initializer="zeros")
    layer.build((None, 8, 5))
    assert [v.path for v in layer.weights] == ["dw/kernel", "dw/bias"]
    assert [tuple(v.shape) for v in layer.weights] == [(3, 5, 2), (10,)]
    config = DepthwiseConv1D(3).get_config()
    assert (config["strides"], config["padding"], config["depth_multiplier"]) == ((1,), "valid", 1)


KERAS_CONFIG_KEYS = {
    "name", "trainable", "dtype", "depth_multiplier", "kernel_size", "strides", "padding",
    "data_format", "dilation_rate", "activation", "use_bias", "depthwise_initializer",
    "bias_initializer", "depthwise_regularizer", "bias_regularizer", "activity_regularizer",
    "depthwise_constraint", "bias_constraint",
}  # fmt: skip


def test_depthwise_conv1d_config_roundtrip():
    layer = DepthwiseConv1D(4, strides=2, padding="same", depth_multiplier=3,
                            data_format="channels_first", depthwise_regularizer="l2")  # fmt: skip
    clone = check_config(layer, KERAS_CONFIG_KEYS)
    assert (clone.kernel_size, clone.depth_multiplier, clone.strides) == ((4,), 3, (2,))


def test_depthwise_conv1d_rejects_bad_arguments_and_inputs(rng):
    with pytest.raises(ValueError, match="padding must be one of"):
        DepthwiseConv1D(3, padding="causal")  # Keras allows causal on Conv1D only
    with pytest.raises(ValueError, match="depth_multiplier must be a positive"):
        DepthwiseConv1D(3, depth_multiplier=0)
    with pytest.raises(ValueError, match="too small for the kernel"):
        DepthwiseConv1D(5)(rng.standard_normal((1, 4, 2)).astype("float32"))
    layer = DepthwiseConv1D(2, depthwise_initializer="ones")
    check_rejects_wrong_rank_and_channels(layer, (1, 5, 3), rng)
