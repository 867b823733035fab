"""DepthwiseConv2D: values, gradients, shapes, weights, config and errors."""

import json

import numpy as np
import pytest

import lamina as keras
from lamina.layers.convolutional import DepthwiseConv2D
from tests.harness import assert_close, check_config_roundtrip, engine_gradients, numeric_gradients
from tests.layers.convolutional.conv_transpose_reference import depthwise_conv_reference

CASES = [
    {"kernel_size": 3},
    {"kernel_size": 3, "depth_multiplier": 2, "strides": 2, "padding": "same"},
    {"kernel_size": (2, 3), "strides": (1, 2), "padding": "same", "activation": "relu"},
    {"kernel_size": 2, "depth_multiplier": 3, "dilation_rate": 2},
    {"kernel_size": 4, "padding": "same", "use_bias": False},
]


def _case_id(kwargs):
    return "-".join(f"{k}={v}" for k, v in kwargs.items())


def _reference(x, weights, kwargs, data_format):
    kernel, bias = (weights + [None])[:2]
    outputs = depthwise_conv_reference(
        x,
        kernel,
        bias,
        strides=kwargs.get("strides", 1),
        padding=kwargs.get("padding", "valid"),
        dilation_rate=kwargs.get("dilation_rate", 1),
        data_format=data_format,
    )
    return np.maximum(outputs, 0.0) if kwargs.get("activation") == "relu" else outputs


def _build_with_random_weights(layer, shape, rng):
    layer.build(shape)
    weights = [rng.standard_normal(w.shape) for w in layer.get_weights()]
    layer.set_weights(weights)
    return weights


@pytest.mark.parametrize("data_format", ["channels_last", "channels_first"])
@pytest.mark.parametrize("kwargs", CASES, ids=_case_id)
def test_depthwise_conv2d_matches_numpy(kwargs, data_format, rng):
    x = rng.standard_normal((2, 7, 6, 3))
    if data_format == "channels_first":
        x = np.moveaxis(x, -1, 1)
    layer = DepthwiseConv2D(**kwargs, data_format=data_format)
    weights = _build_with_random_weights(layer, x.shape, rng)
    outputs = layer(x.astype("float32"))
    expected = _reference(x, weights, kwargs, data_format)
    assert tuple(outputs.shape) == expected.shape == layer.compute_output_shape(x.shape)
    assert_close(outputs, expected, rtol=1e-4, atol=1e-4)
    symbolic = layer(keras.Input(x.shape[1:]))
    assert symbolic.shape == (None, *expected.shape[1:])


@pytest.mark.parametrize("kwargs", CASES[1:3], ids=_case_id)
def test_depthwise_conv2d_gradients_match_finite_differences(kwargs, rng):
    x = rng.standard_normal((2, 5, 4, 2))
    kwargs = {**kwargs, "activation": "tanh"}
    layer = DepthwiseConv2D(**kwargs, dtype="float64")
    _build_with_random_weights(layer, x.shape, rng)
    kernel, bias = layer.get_weights()
    options = {k: v for k, v in kwargs.items() if k in ("strides", "padding", "dilation_rate")}

    def reference(x, kernel, bias):
        return np.tanh(depthwise_conv_reference(x, kernel, bias, **options))

    got = engine_gradients(layer, [x], variables=layer.weights)
    want = numeric_gradients(reference, [x, kernel, bias])
    for name, g, w in zip(("inputs", "kernel", "bias"), got, want):
        assert_close(g, w, rtol=1e-6, atol=1e-7, err_msg=f"gradient of {name}")


def test_depthwise_conv2d_weights_names_shapes_and_order():
    layer = DepthwiseConv2D((3, 2), depth_multiplier=2, name="dw")
    layer.build((None, 8, 8, 5))
    assert layer.name == "dw"
    assert [v.path for v in layer.weights] == ["dw/kernel", "dw/bias"]
    assert [tuple(v.shape) for v in layer.weights] == [(3, 2, 5, 2), (10,)]
    assert DepthwiseConv2D(1).name == "depthwise_conv2d"


KERAS_CONFIG_KEYS = {
    "name", "trainable", "dtype", "depth_multiplier", "kernel_size", "strides", "padding",
    "data_format", "dilation_rate", "activation", "use_bias", "depthwise_initializer",
    "bias_initializer", "depthwise_regularizer", "bias_regularizer", "activity_regularizer",
    "depthwise_constraint", "bias_constraint",
}  # fmt: skip


@pytest.mark.parametrize(
    "layer",
    [
        DepthwiseConv2D(3),
        DepthwiseConv2D(
            (3, 2),
            strides=2,
            padding="same",
            depth_multiplier=4,
            data_format="channels_first",
            depthwise_initializer="he_normal",
            depthwise_regularizer="l2",
            depthwise_constraint="max_norm",
            use_bias=False,
        ),
    ],
)
def test_depthwise_conv2d_config_roundtrip(layer):
    config = layer.get_config()
    assert set(config) == KERAS_CONFIG_KEYS
    assert type(layer).from_config(json.loads(json.dumps(config))).get_config() == config
    clone = check_config_roundtrip(layer)
    assert (clone.kernel_size, clone.depth_multiplier) == (
        layer.kernel_size,
        layer.depth_multiplier,
    )


def test_depthwise_conv2d_defaults_match_keras():
    config = DepthwiseConv2D(3).get_config()
    assert (config["strides"], config["padding"], config["depth_multiplier"]) == (
        (1, 1),
        "valid",
        1,
    )
    assert config["depthwise_initializer"]["class_name"] == "GlorotUniform"


@pytest.mark.parametrize(
    ("make", "match"),
    [
        (lambda: DepthwiseConv2D(3, depth_multiplier=0), "depth_multiplier must be a positive"),
        (lambda: DepthwiseConv2D((3, 3, 3)), "kernel_size must be a positive int or a tuple"),
        (lambda: DepthwiseConv2D(3, padding="causal"), "padding must be one of"),
        (lambda: DepthwiseConv2D(3, strides=2, dilation_rate=2), "cannot be combined"),
    ],
)
def test_depthwise_conv2d_rejects_bad_arguments(make, match):
    with pytest.raises(ValueError, match=match):
        make()


def test_depthwise_conv2d_rejects_input_smaller_than_kernel(rng):
    with pytest.raises(ValueError, match="too small for the kernel"):
        DepthwiseConv2D(5)(rng.standard_normal((1, 4, 6, 3)).astype("float32"))
