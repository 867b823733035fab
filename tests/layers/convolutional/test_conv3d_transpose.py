"""Conv3DTranspose: values, gradients, shapes, weights, config and errors."""

import pytest

from lamina.layers.convolutional import Conv3DTranspose, Convolution3DTranspose
from tests.layers.convolutional.conv_transpose_reference import conv_transpose_reference
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
    {"filters": 2, "kernel_size": (3, 2, 2), "strides": (2, 1, 2), "padding": "same"},
    {"filters": 2, "kernel_size": 2, "strides": 2, "output_padding": (1, 0, 1)},
    {"filters": 2, "kernel_size": 2, "dilation_rate": (1, 2, 1), "padding": "same",
     "use_bias": False},
]  # fmt: skip
OPTIONS = ("strides", "padding", "output_padding", "dilation_rate")


def _case_id(kwargs):
    return "-".join(f"{k}={v}" for k, v in kwargs.items())


def _reference(x, weights, kwargs, data_format="channels_last"):
    kernel, bias = (weights + [None])[:2]
    options = {k: v for k, v in kwargs.items() if k in OPTIONS}
    return conv_transpose_reference(x, kernel, bias, data_format=data_format, **options)


@pytest.mark.parametrize("data_format", DATA_FORMATS)
@pytest.mark.parametrize("kwargs", CASES, ids=_case_id)
def test_conv3d_transpose_matches_numpy(kwargs, data_format, rng):
    x = inputs_for((2, 3, 2, 3, 3), data_format, rng)
    layer = Conv3DTranspose(**kwargs, data_format=data_format)
    weights = set_random_weights(layer, x.shape, rng)
    check_forward(layer, x, _reference(x, weights, kwargs, data_format))


def test_conv3d_transpose_gradients_match_finite_differences(rng):
    x = rng.standard_normal((1, 2, 2, 3, 2))
    kwargs = {"filters": 2, "kernel_size": 2, "strides": (2, 1, 2), "padding": "same"}
    layer = Conv3DTranspose(**kwargs, dtype="float64")
    set_random_weights(layer, x.shape, rng, scale=0.5)
    check_gradients(layer, x, lambda x, *weights: _reference(x, list(weights), kwargs))


def test_conv3d_transpose_weights_names_shapes_and_defaults():
    assert Conv3DTranspose(2, 3).name == "conv3d_transpose"  # the first of the session
    layer = Conv3DTranspose(6, (3, 2, 1), name="deconv", kernel_initializer="zeros")
    layer.build((None, 5, 5, 5, 4))
    assert [v.path for v in layer.weights] == ["deconv/kernel", "deconv/bias"]
    assert [tuple(v.shape) for v in layer.weights] == [(3, 2, 1, 6, 4), (6,)]
    config = Conv3DTranspose(2, 3).get_config()
    assert (config["strides"], config["dilation_rate"], config["output_padding"]) == (
        (1, 1, 1),
        (1, 1, 1),
        None,
    )
    assert Convolution3DTranspose is Conv3DTranspose


def test_conv3d_transpose_takes_data_format_before_output_padding():
    layer = Conv3DTranspose(2, 3, 2, "same", "channels_first", 1)  # Keras's positional order
    assert (layer.data_format, layer.output_padding) == ("channels_first", (1, 1, 1))


# Keras 3's keys plus output_padding, as for Conv1DTranspose and Conv2DTranspose.
CONFIG_KEYS = {
    "name", "trainable", "dtype", "filters", "kernel_size", "strides", "padding",
    "output_padding", "data_format", "dilation_rate", "activation", "use_bias",
    "kernel_initializer", "bias_initializer", "kernel_regularizer", "bias_regularizer",
    "activity_regularizer", "kernel_constraint", "bias_constraint",
}  # fmt: skip


def test_conv3d_transpose_config_roundtrip():
    layer = Conv3DTranspose(4, (3, 2, 2), strides=2, padding="same", output_padding=(1, 0, 1),
                            data_format="channels_first", activation="relu")  # fmt: skip
    clone = check_config(layer, CONFIG_KEYS)
    assert (clone.kernel_size, clone.output_padding) == ((3, 2, 2), (1, 0, 1))


def test_conv3d_transpose_rejects_bad_arguments_and_inputs(rng):
    with pytest.raises(ValueError, match="kernel_size must be a positive int or a tuple of 3"):
        Conv3DTranspose(2, (3, 3))
    with pytest.raises(ValueError, match="smaller than strides"):
        Conv3DTranspose(2, 3, strides=2, output_padding=2)
    layer = Conv3DTranspose(2, 2, kernel_initializer="ones")
    check_rejects_wrong_rank_and_channels(layer, (1, 2, 2, 2, 3), rng)
