"""Conv1DTranspose and Conv2DTranspose: values, gradients, shapes, weights, config, errors."""

import json

import numpy as np
import pytest

import lamina as keras
from lamina.layers.convolutional import (
    Conv1DTranspose,
    Conv2DTranspose,
    Convolution1DTranspose,
    Convolution2DTranspose,
)
from tests.harness import assert_close, check_config_roundtrip, engine_gradients, numeric_gradients
from tests.layers.convolutional.conv_transpose_reference import conv_transpose_reference

# (layer class, channels_last input shape, constructor arguments)
FORWARD_CASES = [
    (Conv1DTranspose, (2, 5, 3), {"filters": 4, "kernel_size": 3}),
    (Conv1DTranspose, (2, 5, 3), {"filters": 4, "kernel_size": 3, "strides": 2}),
    (Conv1DTranspose, (2, 5, 3), {"filters": 4, "kernel_size": 3, "strides": 2, "padding": "same"}),
    (Conv1DTranspose, (2, 5, 3), {"filters": 4, "kernel_size": 2, "strides": 3}),  # stride > kernel
    (Conv1DTranspose, (2, 5, 3), {"filters": 4, "kernel_size": 4, "padding": "same"}),
    (Conv1DTranspose, (2, 5, 3), {"filters": 2, "kernel_size": 3, "dilation_rate": 2}),
    (
        Conv1DTranspose,
        (2, 5, 3),
        {"filters": 2, "kernel_size": 3, "strides": 3, "padding": "same", "output_padding": 1},
    ),
    (Conv2DTranspose, (2, 4, 3, 3), {"filters": 2, "kernel_size": 3}),
    (Conv2DTranspose, (2, 4, 3, 3), {"filters": 2, "kernel_size": 3, "strides": 2}),
    (
        Conv2DTranspose,
        (2, 4, 3, 3),
        {"filters": 2, "kernel_size": 3, "strides": 2, "padding": "same", "activation": "relu"},
    ),
    (
        Conv2DTranspose,
        (2, 4, 3, 3),
        {"filters": 2, "kernel_size": (2, 3), "strides": (3, 2), "padding": "same"},
    ),
    (
        Conv2DTranspose,
        (2, 4, 3, 3),
        {"filters": 2, "kernel_size": 2, "strides": (2, 3), "output_padding": (1, 2)},
    ),
    (
        Conv2DTranspose,
        (2, 4, 3, 3),
        {"filters": 2, "kernel_size": 3, "padding": "same", "dilation_rate": (2, 1)},
    ),
    (Conv2DTranspose, (2, 4, 3, 3), {"filters": 2, "kernel_size": 1, "use_bias": False}),
]


def _case_id(case):
    cls, _, kwargs = case
    return cls.__name__ + "-" + "-".join(f"{k}={v}" for k, v in kwargs.items())


def _reference(x, weights, kwargs, data_format):
    kernel, bias = (weights + [None])[:2]
    outputs = conv_transpose_reference(
        x,
        kernel,
        bias,
        strides=kwargs.get("strides", 1),
        padding=kwargs.get("padding", "valid"),
        output_padding=kwargs.get("output_padding"),
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
@pytest.mark.parametrize("case", FORWARD_CASES, ids=_case_id)
def test_conv_transpose_matches_numpy(case, data_format, rng):
    cls, shape, kwargs = case
    x = rng.standard_normal(shape)
    if data_format == "channels_first":
        x = np.moveaxis(x, -1, 1)
    layer = cls(**kwargs, data_format=data_format)
    weights = _build_with_random_weights(layer, x.shape, rng)
    outputs = layer(x.astype("float32"))
    expected = _reference(x, weights, kwargs, data_format)
    assert tuple(outputs.shape) == expected.shape == layer.compute_output_shape(x.shape)
    assert_close(outputs, expected, rtol=1e-4, atol=1e-4)


@pytest.mark.parametrize("case", FORWARD_CASES[::2], ids=_case_id)
def test_conv_transpose_float64_matches_numpy_tightly(case, rng):
    cls, shape, kwargs = case
    x = rng.standard_normal(shape)
    layer = cls(**kwargs, dtype="float64")
    weights = _build_with_random_weights(layer, x.shape, rng)
    outputs = layer(keras.ops.convert_to_tensor(x, dtype="float64"))
    assert_close(outputs, _reference(x, weights, kwargs, "channels_last"), rtol=1e-10, atol=1e-10)


@pytest.mark.parametrize("data_format", ["channels_last", "channels_first"])
@pytest.mark.parametrize("case", FORWARD_CASES, ids=_case_id)
def test_conv_transpose_symbolic_shape_matches_eager(case, data_format, rng):
    cls, shape, kwargs = case
    if data_format == "channels_first":
        shape = (shape[0], shape[-1], *shape[1:-1])
    layer = cls(**kwargs, data_format=data_format)
    symbolic = layer(keras.Input(shape[1:]))
    eager = layer(rng.standard_normal(shape).astype("float32"))
    assert symbolic.shape == (None, *tuple(eager.shape)[1:])


@pytest.mark.parametrize(
    ("layer", "input_shape", "expected"),
    [
        (Conv1DTranspose(3, 3), (None, None, 4), (None, None, 3)),
        (Conv1DTranspose(3, 3, strides=2, padding="same"), (2, 7, 4), (2, 14, 3)),
        (Conv2DTranspose(5, 3, strides=2), (None, None, 4, 2), (None, None, 9, 5)),
        (Conv2DTranspose(5, 2, strides=3), (None, 4, 4, 2), (None, 12, 12, 5)),
        (Conv2DTranspose(5, 3, data_format="channels_first"), (1, 2, 4, None), (1, 5, 6, None)),
    ],
)
def test_conv_transpose_compute_output_shape_with_unknown_dims(layer, input_shape, expected):
    assert layer.compute_output_shape(input_shape) == expected
    assert layer(keras.Input(batch_shape=input_shape)).shape == expected


@pytest.mark.parametrize(
    "kwargs",
    [
        {"kernel_size": 3},
        {"kernel_size": 3, "padding": "same", "strides": 2},
        {"kernel_size": 2, "padding": "same"},  # more cut at the end than at the start
        {"kernel_size": 2, "strides": (2, 3), "output_padding": (1, 2)},
        {"kernel_size": 2, "dilation_rate": 2, "padding": "same", "data_format": "channels_first"},
    ],
    ids=lambda kwargs: "-".join(f"{k}={v}" for k, v in kwargs.items()),
)
def test_conv2d_transpose_gradients_match_finite_differences(kwargs, rng):
    data_format = kwargs.get("data_format", "channels_last")
    shape = (2, 3, 4, 3) if data_format == "channels_first" else (2, 4, 3, 3)
    x = rng.standard_normal(shape)
    layer = Conv2DTranspose(2, activation="tanh", dtype="float64", **kwargs)
    _build_with_random_weights(layer, x.shape, rng)
    kernel, bias = layer.get_weights()
    options = {k: v for k, v in kwargs.items() if k != "kernel_size"}

    def reference(x, kernel, bias):
        return np.tanh(conv_transpose_reference(x, kernel, bias, **options))

    got = engine_gradients(layer, [x], variables=layer.weights)
    want = numeric_gradients(reference, [x, kernel, bias])
    for name, g, w in zip(("inputs", "kernel", "bias"), got, want):
        assert_close(g, w, rtol=1e-6, atol=1e-7, err_msg=f"gradient of {name}")


@pytest.mark.parametrize(
    ("layer", "input_shape", "kernel_shape"),
    [
        (Conv1DTranspose(4, 3, name="deconv"), (None, 7, 2), (3, 4, 2)),
        (Conv2DTranspose(6, (3, 2), name="deconv"), (None, 7, 7, 5), (3, 2, 6, 5)),
        (
            Conv2DTranspose(6, 1, data_format="channels_first", name="deconv"),
            (None, 4, 5, 5),
            (1, 1, 6, 4),
        ),
    ],
)
def test_conv_transpose_weights_names_shapes_and_order(layer, input_shape, kernel_shape):
    layer.build(input_shape)
    assert [v.path for v in layer.weights] == ["deconv/kernel", "deconv/bias"]
    assert [tuple(v.shape) for v in layer.weights] == [kernel_shape, (kernel_shape[-2],)]


def test_conv_transpose_default_names_and_aliases():
    assert Conv1DTranspose(1, 1).name == "conv1d_transpose"
    assert Conv2DTranspose(1, 1).name == "conv2d_transpose"
    assert Convolution1DTranspose is Conv1DTranspose
    assert Convolution2DTranspose is Conv2DTranspose


# Keras 3's keys plus output_padding, which Keras leaves out (and so loses on reload).
CONFIG_KEYS = {
    "name", "trainable", "dtype", "filters", "kernel_size", "strides", "padding",
    "output_padding", "data_format", "dilation_rate", "activation", "use_bias",
    "kernel_initializer", "bias_initializer", "kernel_regularizer", "bias_regularizer",
    "activity_regularizer", "kernel_constraint", "bias_constraint",
}  # fmt: skip


@pytest.mark.parametrize(
    "layer",
    [
        Conv1DTranspose(4, 3),
        Conv1DTranspose(4, 5, strides=3, padding="SAME", output_padding=2, activation="relu"),
        Conv2DTranspose(6, (3, 2), padding="same", dilation_rate=(2, 1), use_bias=False),
        Conv2DTranspose(
            3,
            3,
            strides=(2, 1),
            output_padding=(1, 0),
            data_format="channels_first",
            kernel_initializer="he_normal",
            kernel_regularizer="l2",
            kernel_constraint="max_norm",
        ),
    ],
)
def test_conv_transpose_config_roundtrip(layer):
    config = layer.get_config()
    assert set(config) == CONFIG_KEYS
    from_json = type(layer).from_config(json.loads(json.dumps(config)))
    assert from_json.get_config() == config
    clone = check_config_roundtrip(layer)
    for key in ("filters", "kernel_size", "strides", "padding", "output_padding", "data_format"):
        assert getattr(clone, key) == getattr(layer, key)


def test_conv2d_transpose_defaults_match_keras():
    config = Conv2DTranspose(8, 3).get_config()
    assert (config["kernel_size"], config["strides"], config["dilation_rate"]) == (
        (3, 3),
        (1, 1),
        (1, 1),
    )
    assert (config["padding"], config["output_padding"], config["data_format"]) == (
        "valid",
        None,
        "channels_last",
    )
    assert config["activation"] == "linear"
    assert config["use_bias"] is True
    assert config["kernel_initializer"]["class_name"] == "GlorotUniform"


@pytest.mark.parametrize(
    ("make", "match"),
    [
        (lambda: Conv2DTranspose(0, 3), "filters must be a positive integer"),
        (lambda: Conv2DTranspose(4, (3, 3, 3)), "kernel_size must be a positive int or a tuple"),
        (lambda: Conv2DTranspose(4, 3, strides=0), "strides must be a positive int"),
        (lambda: Conv2DTranspose(4, 3, padding="causal"), "padding must be one of"),
        (lambda: Conv1DTranspose(4, 3, padding="causal"), "padding must be one of"),
        (lambda: Conv2DTranspose(4, 3, strides=2, output_padding=2), "smaller than strides"),
        (lambda: Conv2DTranspose(4, 3, output_padding=(0, -1)), "output_padding must be None"),
        (lambda: Conv1DTranspose(4, 3, output_padding=(0, 0)), "output_padding must be None"),
        (lambda: Conv2DTranspose(4, 3, strides=2, dilation_rate=2), "cannot be combined"),
        (lambda: Conv2DTranspose(4, 3, data_format="NHWC"), "data_format must be one of"),
    ],
)
def test_conv_transpose_rejects_bad_arguments(make, match):
    with pytest.raises(ValueError, match=match):
        make()


def test_conv_transpose_rejects_wrong_rank_and_channels(rng):
    layer = Conv2DTranspose(2, 3, name="deconv")
    with pytest.raises(ValueError, match="'deconv'.*expected ndim=4, found ndim=3"):
        layer(rng.standard_normal((1, 5, 3)).astype("float32"))
    assert not layer.built
    layer(rng.standard_normal((1, 5, 5, 3)).astype("float32"))
    with pytest.raises(ValueError, match="expected axis -1 of input shape to have value 3"):
        layer(rng.standard_normal((1, 5, 5, 4)).astype("float32"))


def test_conv_transpose_needs_known_channels():
    with pytest.raises(ValueError, match="known channel dimension"):
        Conv1DTranspose(2, 3)(keras.Input((5, None)))
