"""Behaviour shared by Conv1D and Conv2D: values, shapes, weights, config and errors."""

import json

import numpy as np
import pytest

import lamina as keras
from lamina.layers.convolutional import Conv1D, Conv2D, Convolution1D, Convolution2D
from tests.harness import assert_close, check_config_roundtrip
from tests.layers.convolutional.conv_reference import conv_reference

# (layer class, channels_last input shape, constructor arguments)
FORWARD_CASES = [
    (Conv1D, (2, 9, 4), {"filters": 3, "kernel_size": 3}),
    (Conv1D, (2, 9, 4), {"filters": 3, "kernel_size": 3, "padding": "same", "strides": 2}),
    (Conv1D, (2, 10, 4), {"filters": 3, "kernel_size": 4, "padding": "same", "strides": 3}),
    (Conv1D, (2, 9, 4), {"filters": 3, "kernel_size": 3, "dilation_rate": 2}),
    (Conv1D, (2, 9, 4), {"filters": 3, "kernel_size": 2, "padding": "same", "dilation_rate": 3}),
    (Conv1D, (2, 9, 4), {"filters": 6, "kernel_size": 3, "groups": 2, "activation": "relu"}),
    (Conv1D, (2, 9, 4), {"filters": 3, "kernel_size": 3, "padding": "causal", "dilation_rate": 2}),
    (Conv1D, (2, 9, 4), {"filters": 3, "kernel_size": 3, "padding": "causal", "strides": 2}),
    (Conv2D, (2, 7, 8, 3), {"filters": 4, "kernel_size": 3}),
    (Conv2D, (2, 7, 8, 3), {"filters": 4, "kernel_size": 3, "padding": "same", "strides": 2}),
    (
        Conv2D,
        (2, 7, 8, 3),
        {"filters": 4, "kernel_size": (2, 3), "padding": "same", "strides": (1, 2)},
    ),
    (Conv2D, (2, 7, 8, 3), {"filters": 4, "kernel_size": 4, "padding": "same"}),
    (Conv2D, (2, 7, 8, 3), {"filters": 4, "kernel_size": 3, "dilation_rate": 2}),
    (
        Conv2D,
        (2, 7, 8, 3),
        {"filters": 4, "kernel_size": 2, "padding": "same", "dilation_rate": (2, 1)},
    ),
    (Conv2D, (2, 7, 8, 3), {"filters": 4, "kernel_size": 3, "strides": (3, 2), "use_bias": False}),
    (Conv2D, (2, 7, 8, 6), {"filters": 9, "kernel_size": 3, "groups": 3, "padding": "same"}),
]


def _case_id(case):
    cls, _, kwargs = case
    return cls.__name__ + "-" + "-".join(f"{k}={v}" for k, v in kwargs.items())


def _random_weights(layer, rng):
    weights = [rng.standard_normal(w.shape) for w in layer.get_weights()]
    layer.set_weights(weights)
    return weights


def _reference(x, weights, kwargs, data_format):
    kernel, bias = (weights + [None])[:2]
    outputs = conv_reference(
        x,
        kernel,
        bias,
        strides=kwargs.get("strides", 1),
        padding=kwargs.get("padding", "valid"),
        dilation_rate=kwargs.get("dilation_rate", 1),
        data_format=data_format,
    )
    if kwargs.get("activation") == "relu":
        outputs = np.maximum(outputs, 0.0)
    return outputs


@pytest.mark.parametrize("data_format", ["channels_last", "channels_first"])
@pytest.mark.parametrize("case", FORWARD_CASES, ids=_case_id)
def test_conv_matches_numpy(case, data_format, rng):
    cls, shape, kwargs = case
    x = rng.standard_normal(shape)
    if data_format == "channels_first":
        x = np.moveaxis(x, -1, 1)
    layer = cls(**kwargs, data_format=data_format)
    layer.build(x.shape)
    weights = _random_weights(layer, rng)
    outputs = layer(x.astype("float32"))
    expected = _reference(x, weights, kwargs, data_format)
    assert tuple(outputs.shape) == expected.shape == layer.compute_output_shape(x.shape)
    assert_close(outputs, expected, rtol=1e-4, atol=1e-4)


@pytest.mark.parametrize("case", FORWARD_CASES[::3], ids=_case_id)
def test_conv_float64_matches_numpy_tightly(case, rng):
    cls, shape, kwargs = case
    x = rng.standard_normal(shape)
    layer = cls(**kwargs, dtype="float64")
    layer.build(x.shape)
    weights = _random_weights(layer, rng)
    # A float64 tensor, not the NumPy array: layer autocast rounds NumPy float64 through
    # float32 (backend/torch/core.py autocast).
    outputs = layer(keras.ops.convert_to_tensor(x, dtype="float64"))
    assert_close(outputs, _reference(x, weights, kwargs, "channels_last"), rtol=1e-10, atol=1e-10)


@pytest.mark.parametrize("data_format", ["channels_last", "channels_first"])
@pytest.mark.parametrize("case", FORWARD_CASES, ids=_case_id)
def test_conv_symbolic_shape_matches_eager(case, data_format, rng):
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
        (Conv1D(3, 3), (None, None, 4), (None, None, 3)),
        (Conv1D(3, 3, padding="causal"), (5, None, 4), (5, None, 3)),
        (Conv1D(3, 3, data_format="channels_first"), (None, 4, 10), (None, 3, 8)),
        (Conv2D(5, 3, strides=2), (None, None, 9, 2), (None, None, 4, 5)),
        (Conv2D(5, 3, strides=2, padding="same"), (2, 9, None, 2), (2, 5, None, 5)),
        (Conv2D(5, 3, dilation_rate=2, data_format="channels_first"), (1, 2, 9, 8), (1, 5, 5, 4)),
    ],
)
def test_conv_compute_output_shape_with_unknown_dims(layer, input_shape, expected):
    assert layer.compute_output_shape(input_shape) == expected
    assert layer(keras.Input(batch_shape=input_shape)).shape == expected


@pytest.mark.parametrize(
    ("layer", "input_shape", "kernel_shape"),
    [
        (Conv1D(4, 3, name="conv"), (None, 7, 2), (3, 2, 4)),
        (Conv2D(6, (3, 2), groups=3, name="conv"), (None, 7, 7, 9), (3, 2, 3, 6)),
        (Conv2D(6, 1, data_format="channels_first", name="conv"), (None, 4, 5, 5), (1, 1, 4, 6)),
    ],
)
def test_conv_weights_names_shapes_and_order(layer, input_shape, kernel_shape):
    layer.build(input_shape)
    assert [v.path for v in layer.weights] == ["conv/kernel", "conv/bias"]
    assert [tuple(v.shape) for v in layer.weights] == [kernel_shape, (kernel_shape[-1],)]
    assert layer.count_params() == int(np.prod(kernel_shape)) + kernel_shape[-1]


def test_conv_without_bias_has_only_a_kernel():
    layer = Conv2D(2, 3, use_bias=False, name="conv")
    layer.build((None, 5, 5, 3))
    assert [v.path for v in layer.weights] == ["conv/kernel"]


def test_conv_default_names_follow_keras():
    assert (Conv1D(1, 1).name, Conv2D(1, 1).name) == ("conv1d", "conv2d")


KERAS_CONFIG_KEYS = {
    "name", "trainable", "dtype", "filters", "kernel_size", "strides", "padding",
    "data_format", "dilation_rate", "groups", "activation", "use_bias", "kernel_initializer",
    "bias_initializer", "kernel_regularizer", "bias_regularizer", "activity_regularizer",
    "kernel_constraint", "bias_constraint",
}  # fmt: skip


@pytest.mark.parametrize(
    "layer",
    [
        Conv1D(4, 3),
        Conv1D(4, 5, strides=2, padding="CAUSAL", activation="relu", use_bias=False),
        Conv2D(6, (3, 2), padding="same", dilation_rate=(2, 1), groups=2),
        Conv2D(
            3,
            3,
            data_format="channels_first",
            kernel_initializer="he_normal",
            bias_initializer="ones",
            kernel_regularizer="l2",
            activity_regularizer="l1",
            kernel_constraint="max_norm",
        ),
    ],
)
def test_conv_config_roundtrip(layer):
    config = layer.get_config()
    assert set(config) == KERAS_CONFIG_KEYS
    from_json = type(layer).from_config(json.loads(json.dumps(config)))
    assert from_json.get_config() == config  # JSON turns tuples into lists; they come back
    clone = check_config_roundtrip(layer)
    for key in ("filters", "kernel_size", "strides", "padding", "data_format", "dilation_rate"):
        assert getattr(clone, key) == getattr(layer, key)
    assert isinstance(config["kernel_size"], tuple)
    assert config["padding"] in ("valid", "same", "causal")


def test_conv_defaults_match_keras():
    config = Conv2D(8, 3).get_config()
    assert config["kernel_size"] == (3, 3)
    assert config["strides"] == (1, 1)
    assert config["dilation_rate"] == (1, 1)
    assert (config["padding"], config["data_format"], config["groups"]) == (
        "valid",
        "channels_last",
        1,
    )
    assert config["activation"] == "linear"
    assert config["use_bias"] is True
    assert config["kernel_initializer"]["class_name"] == "GlorotUniform"
    assert config["bias_initializer"]["class_name"] == "Zeros"


def test_convolution_aliases():
    assert Convolution1D is Conv1D
    assert Convolution2D is Conv2D


@pytest.mark.parametrize(
    ("make", "match"),
    [
        (lambda: Conv2D(0, 3), "filters must be a positive integer"),
        (lambda: Conv2D(-2, 3), "filters must be a positive integer"),
        (lambda: Conv2D(2.5, 3), "filters must be a positive integer"),
        (lambda: Conv2D("8", 3), "filters must be a positive integer"),
        (lambda: Conv2D(4, 0), "kernel_size must be a positive int"),
        (lambda: Conv2D(4, (3, 3, 3)), "kernel_size must be a positive int or a tuple of 2"),
        (lambda: Conv1D(4, "3"), "kernel_size must be an int or a tuple of 1"),
        (lambda: Conv2D(4, 3, strides=0), "strides must be a positive int"),
        (lambda: Conv2D(4, 3, dilation_rate=(1, -1)), "dilation_rate must be a positive int"),
        (lambda: Conv2D(4, 3, padding="full"), "padding must be one of"),
        (lambda: Conv2D(4, 3, padding="causal"), "padding must be one of"),
        (lambda: Conv2D(4, 3, data_format="NHWC"), "data_format must be one of"),
        (lambda: Conv2D(4, 3, groups=0), "groups must be a positive integer"),
        (lambda: Conv2D(4, 3, groups=3), "filters must be divisible by groups"),
        (lambda: Conv2D(4, 3, strides=2, dilation_rate=2), "strides > 1 cannot be combined"),
    ],
)
def test_conv_rejects_bad_arguments(make, match):
    with pytest.raises(ValueError, match=match):
        make()


def test_conv_rejects_channels_not_divisible_by_groups(rng):
    layer = Conv2D(4, 3, groups=2, name="grouped")
    with pytest.raises(ValueError, match="'grouped'.*divisible by groups.*3 input channels"):
        layer(rng.standard_normal((1, 5, 5, 3)).astype("float32"))
    assert not layer.built


def test_conv_rejects_input_smaller_than_kernel(rng):
    with pytest.raises(ValueError, match="too small for the kernel"):
        Conv2D(2, 5)(rng.standard_normal((1, 4, 6, 3)).astype("float32"))
    with pytest.raises(ValueError, match="too small for the kernel"):
        Conv1D(2, 3, dilation_rate=3)(keras.Input((6, 3)))


def test_conv_rejects_wrong_rank_and_channels(rng):
    layer = Conv2D(2, 3)
    with pytest.raises(ValueError, match="expected ndim=4, found ndim=3"):
        layer(rng.standard_normal((1, 5, 3)).astype("float32"))
    layer(rng.standard_normal((1, 5, 5, 3)).astype("float32"))
    with pytest.raises(ValueError, match="expected axis -1 of input shape to have value 3"):
        layer(rng.standard_normal((1, 5, 5, 4)).astype("float32"))


def test_conv_needs_known_channels():
    with pytest.raises(ValueError, match="known channel dimension"):
        Conv1D(2, 3)(keras.Input((5, None)))


def test_conv_kernel_regularizer_adds_a_loss(rng):
    layer = Conv1D(2, 3, kernel_regularizer="l2")
    layer(rng.standard_normal((1, 5, 3)).astype("float32"))
    kernel = layer.get_weights()[0]
    assert len(layer.losses) == 1
    assert_close(layer.losses[0], 0.01 * np.sum(np.square(kernel.astype(np.float64))), rtol=1e-5)
