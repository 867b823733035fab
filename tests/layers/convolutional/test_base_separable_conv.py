"""SeparableConv1D and SeparableConv2D: values, gradients, shapes, weights, config, errors."""

import numpy as np
import pytest

from lamina.layers.convolutional import (
    SeparableConv1D,
    SeparableConv2D,
    SeparableConvolution1D,
    SeparableConvolution2D,
)
from tests.layers.convolutional.conv_transpose_reference import separable_conv_reference
from tests.layers.window_layer_checks import (
    DATA_FORMATS,
    check_config,
    check_forward,
    check_gradients,
    check_rejects_wrong_rank_and_channels,
    inputs_for,
    set_random_weights,
)

# (layer class, channels_last input shape, constructor arguments)
CASES = [
    (SeparableConv1D, (2, 9, 3), {"filters": 4, "kernel_size": 3}),
    (SeparableConv1D, (2, 9, 3), {"filters": 2, "kernel_size": 3, "depth_multiplier": 2,
                                  "strides": 2, "padding": "same"}),
    (SeparableConv1D, (2, 9, 3), {"filters": 4, "kernel_size": 2, "dilation_rate": 3,
                                  "activation": "relu", "use_bias": False}),
    (SeparableConv2D, (2, 6, 5, 3), {"filters": 4, "kernel_size": 3}),
    (SeparableConv2D, (2, 6, 5, 3), {"filters": 5, "kernel_size": (2, 3), "strides": (2, 1),
                                     "padding": "same", "depth_multiplier": 2}),
    (SeparableConv2D, (2, 6, 5, 3), {"filters": 2, "kernel_size": 2, "dilation_rate": (2, 1),
                                     "activation": "relu"}),
]  # fmt: skip
OPTIONS = ("strides", "padding", "dilation_rate")


def _case_id(case):
    cls, _, kwargs = case
    return cls.__name__ + "-" + "-".join(f"{k}={v}" for k, v in kwargs.items())


def _reference(x, weights, kwargs, data_format="channels_last"):
    depthwise, pointwise, bias = (weights + [None])[:3]
    options = {k: v for k, v in kwargs.items() if k in OPTIONS}
    out = separable_conv_reference(
        x, depthwise, pointwise, bias, data_format=data_format, **options
    )
    return out.clip(min=0) if kwargs.get("activation") == "relu" else out


@pytest.mark.parametrize("data_format", DATA_FORMATS)
@pytest.mark.parametrize("case", CASES, ids=_case_id)
def test_separable_conv_matches_numpy(case, data_format, rng):
    cls, shape, kwargs = case
    x = inputs_for(shape, data_format, rng)
    layer = cls(**kwargs, data_format=data_format)
    weights = set_random_weights(layer, x.shape, rng)
    check_forward(layer, x, _reference(x, weights, kwargs, data_format))


def test_separable_conv_gradients_match_finite_differences(rng):
    x = rng.standard_normal((1, 4, 5, 2))  # SeparableConv1D runs the same code at rank 1
    kwargs = {"filters": 3, "kernel_size": 2, "depth_multiplier": 2, "strides": 2,
              "padding": "same", "activation": "tanh"}  # fmt: skip
    layer = SeparableConv2D(**kwargs, dtype="float64")
    set_random_weights(layer, x.shape, rng, scale=0.5)

    def reference(x, depthwise, pointwise, bias):
        return np.tanh(_reference(x, [depthwise, pointwise, bias], kwargs))

    check_gradients(layer, x, reference)


@pytest.mark.parametrize(
    ("layer", "input_shape", "shapes"),
    [
        (SeparableConv1D(6, 3, depth_multiplier=2), (None, 8, 4), [(3, 4, 2), (1, 8, 6), (6,)]),
        (SeparableConv2D(5, (3, 2), data_format="channels_first"), (None, 3, 6, 6),
         [(3, 2, 3, 1), (1, 1, 3, 5), (5,)]),
    ],
)  # fmt: skip
def test_separable_conv_weights_names_shapes_and_order(layer, input_shape, shapes, rng):
    set_random_weights(layer, input_shape, rng)
    names = ["depthwise_kernel", "pointwise_kernel", "bias"]
    assert [v.path for v in layer.weights] == [f"{layer.name}/{name}" for name in names]
    assert [tuple(v.shape) for v in layer.weights] == shapes


def test_separable_conv_names_defaults_and_aliases():
    assert SeparableConv2D(2, 3).name == "separable_conv2d"  # the first of the session
    assert SeparableConv1D(2, 3).name == "separable_conv1d"
    config = SeparableConv2D(2, 3).get_config()
    assert (config["strides"], config["dilation_rate"], config["depth_multiplier"]) == (
        (1, 1),
        (1, 1),
        1,
    )
    assert config["pointwise_initializer"]["class_name"] == "GlorotUniform"
    assert (SeparableConvolution1D, SeparableConvolution2D) == (SeparableConv1D, SeparableConv2D)


KERAS_CONFIG_KEYS = {
    "name", "trainable", "dtype", "depth_multiplier", "filters", "kernel_size", "strides",
    "padding", "data_format", "dilation_rate", "activation", "use_bias",
    "depthwise_initializer", "pointwise_initializer", "bias_initializer",
    "depthwise_regularizer", "pointwise_regularizer", "bias_regularizer",
    "activity_regularizer", "depthwise_constraint", "pointwise_constraint", "bias_constraint",
}  # fmt: skip


@pytest.mark.parametrize(
    "layer",
    [
        SeparableConv1D(4, 3, padding="same", depth_multiplier=2, pointwise_regularizer="l2"),
        SeparableConv2D(8, (3, 2), strides=2, data_format="channels_first", use_bias=False,
                        depthwise_constraint="non_neg", activation="relu"),
    ],
)  # fmt: skip
def test_separable_conv_config_roundtrip(layer):
    clone = check_config(layer, KERAS_CONFIG_KEYS)
    assert (clone.filters, clone.kernel_size, clone.depth_multiplier) == (
        layer.filters,
        layer.kernel_size,
        layer.depth_multiplier,
    )


@pytest.mark.parametrize(
    ("make", "match"),
    [
        (lambda: SeparableConv2D(0, 3), "filters must be a positive"),
        (lambda: SeparableConv2D(2, 3, depth_multiplier=0), "depth_multiplier must be a positive"),
        (lambda: SeparableConv1D(2, 3, padding="causal"), "padding must be one of"),
        (lambda: SeparableConv2D(2, (3, 3, 3)), "kernel_size must be a positive int or a tuple"),
    ],
)
def test_separable_conv_rejects_bad_arguments(make, match):
    with pytest.raises(ValueError, match=match):
        make()


@pytest.mark.parametrize(
    ("cls", "shape"), [(SeparableConv1D, (1, 5, 2)), (SeparableConv2D, (1, 4, 4, 2))]
)
def test_separable_conv_rejects_wrong_rank_and_channels(cls, shape, rng):
    layer = cls(2, 2, depthwise_initializer="ones", pointwise_initializer="ones")
    check_rejects_wrong_rank_and_channels(layer, shape, rng)
