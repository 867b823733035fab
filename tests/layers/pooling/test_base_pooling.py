"""MaxPooling1D/2D and AveragePooling1D/2D: values, shapes, gradients, config and errors."""

import json

import numpy as np
import pytest

import lamina as keras
from lamina.layers.pooling import (
    AveragePooling1D,
    AveragePooling2D,
    AvgPool1D,
    AvgPool2D,
    MaxPool1D,
    MaxPool2D,
    MaxPooling1D,
    MaxPooling2D,
)
from tests.harness import assert_close, check_config_roundtrip, engine_gradients, numeric_gradients
from tests.layers.pooling.pool_reference import pool_reference

MODES = {
    MaxPooling1D: "max",
    MaxPooling2D: "max",
    AveragePooling1D: "mean",
    AveragePooling2D: "mean",
}

# (layer class, channels_last input shape, constructor arguments)
FORWARD_CASES = [
    (cls, shape, kwargs)
    for cls, shape in [
        (MaxPooling1D, (2, 11, 3)),
        (AveragePooling1D, (2, 11, 3)),
    ]
    for kwargs in [
        {},
        {"pool_size": 3},
        {"pool_size": 3, "strides": 2},
        {"pool_size": 3, "strides": 2, "padding": "same"},
        {"pool_size": 4, "strides": 1, "padding": "same"},
        {"pool_size": 2, "strides": 3},
    ]
] + [
    (cls, shape, kwargs)
    for cls, shape in [
        (MaxPooling2D, (2, 7, 8, 3)),
        (AveragePooling2D, (2, 7, 8, 3)),
    ]
    for kwargs in [
        {},
        {"pool_size": 3, "padding": "same"},
        {"pool_size": (2, 3), "strides": (1, 2)},
        {"pool_size": (3, 2), "strides": 2, "padding": "same"},
        {"pool_size": 2, "strides": 1, "padding": "same"},
        {"pool_size": (1, 3), "strides": (3, 1)},
    ]
]


def _case_id(case):
    cls, _, kwargs = case
    return cls.__name__ + "-" + "-".join(f"{k}={v}" for k, v in kwargs.items())


def _reference(cls, x, kwargs, data_format):
    default_pool = 2 if cls in (MaxPooling1D, AveragePooling1D) else (2, 2)
    return pool_reference(
        x,
        kwargs.get("pool_size", default_pool),
        kwargs.get("strides"),
        kwargs.get("padding", "valid"),
        MODES[cls],
        data_format,
    )


@pytest.mark.parametrize("data_format", ["channels_last", "channels_first"])
@pytest.mark.parametrize("case", FORWARD_CASES, ids=_case_id)
def test_pooling_matches_numpy(case, data_format, rng):
    cls, shape, kwargs = case
    x = rng.standard_normal(shape)
    if data_format == "channels_first":
        x = np.moveaxis(x, -1, 1)
    layer = cls(**kwargs, data_format=data_format)
    outputs = layer(x.astype("float32"))
    expected = _reference(cls, x, kwargs, data_format)
    assert tuple(outputs.shape) == expected.shape == layer.compute_output_shape(x.shape)
    assert_close(outputs, expected, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("data_format", ["channels_last", "channels_first"])
@pytest.mark.parametrize("case", FORWARD_CASES, ids=_case_id)
def test_pooling_symbolic_shape_matches_eager(case, data_format, rng):
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
        (MaxPooling1D(), (None, None, 4), (None, None, 4)),
        (AveragePooling1D(3, padding="same", data_format="channels_first"), (2, 4, 10), (2, 4, 4)),
        (MaxPooling2D((3, 2), strides=2), (None, 9, None, 2), (None, 4, None, 2)),
        (AveragePooling2D(padding="same"), (None, None, 5, 3), (None, None, 3, 3)),
    ],
)
def test_pooling_compute_output_shape_with_unknown_dims(layer, input_shape, expected):
    assert layer.compute_output_shape(input_shape) == expected
    assert layer(keras.Input(batch_shape=input_shape)).shape == expected


@pytest.mark.parametrize("cls", [MaxPooling2D, AveragePooling2D])
@pytest.mark.parametrize("padding", ["valid", "same"])
def test_pooling2d_gradients_match_finite_differences(cls, padding, rng):
    x = rng.standard_normal((2, 5, 6, 3))  # distinct values: max pooling has no ties
    layer = cls(pool_size=(3, 2), strides=(2, 2), padding=padding, dtype="float64")
    got = engine_gradients(layer, [x])
    want = numeric_gradients(lambda x: pool_reference(x, (3, 2), 2, padding, MODES[cls]), [x])
    assert_close(got[0], want[0], rtol=1e-6, atol=1e-8)


def test_pooling_preserves_float64(rng):
    x = keras.ops.convert_to_tensor(rng.standard_normal((1, 5, 5, 2)), dtype="float64")
    outputs = AveragePooling2D(3, strides=1, padding="same", dtype="float64")(x)
    assert keras.ops.dtype(outputs) == "float64"
    expected = pool_reference(keras.ops.convert_to_numpy(x), 3, 1, "same", "mean")
    assert_close(outputs, expected, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize(
    "layer",
    [
        MaxPooling1D(),
        MaxPooling2D((3, 2), strides=(1, 2), padding="SAME", data_format="channels_first"),
        AveragePooling1D(4, strides=2, padding="same"),
        AveragePooling2D(name="pool", trainable=False),
    ],
)
def test_pooling_config_roundtrip(layer):
    config = layer.get_config()
    assert set(config) == {
        "name",
        "trainable",
        "dtype",
        "pool_size",
        "padding",
        "strides",
        "data_format",
    }
    from_json = type(layer).from_config(json.loads(json.dumps(config)))
    assert from_json.get_config() == config  # JSON turns tuples into lists; they come back
    clone = check_config_roundtrip(layer)
    for key in ("pool_size", "strides", "padding", "data_format"):
        assert getattr(clone, key) == getattr(layer, key)


def test_pooling_defaults_match_keras():
    assert MaxPooling1D().get_config()["pool_size"] == (2,)
    config = AveragePooling2D().get_config()
    assert (config["pool_size"], config["strides"], config["padding"], config["data_format"]) == (
        (2, 2),
        (2, 2),
        "valid",
        "channels_last",
    )
    assert MaxPooling2D(3).strides == (3, 3)
    assert MaxPooling2D(3).weights == []


def test_pooling_aliases():
    assert (MaxPool1D, MaxPool2D, AvgPool1D, AvgPool2D) == (
        MaxPooling1D,
        MaxPooling2D,
        AveragePooling1D,
        AveragePooling2D,
    )


@pytest.mark.parametrize(
    ("make", "match"),
    [
        (lambda: MaxPooling2D(0), "pool_size must be a positive int"),
        (lambda: MaxPooling2D((2, 2, 2)), "pool_size must be a positive int or a tuple of 2"),
        (lambda: AveragePooling1D(2.0), "pool_size must be an int or a tuple of 1"),
        (lambda: MaxPooling1D(2, strides=0), "strides must be a positive int"),
        (lambda: AveragePooling2D(padding="causal"), "padding must be one of"),
        (lambda: MaxPooling2D(data_format="NCHW"), "data_format must be one of"),
    ],
)
def test_pooling_rejects_bad_arguments(make, match):
    with pytest.raises(ValueError, match=match):
        make()


def test_pooling_rejects_input_smaller_than_window(rng):
    with pytest.raises(ValueError, match="smaller than the pooling window"):
        MaxPooling2D(4)(rng.standard_normal((1, 3, 8, 2)).astype("float32"))
    with pytest.raises(ValueError, match="smaller than the pooling window"):
        AveragePooling1D(5)(keras.Input((4, 2)))


def test_pooling_rejects_wrong_rank(rng):
    with pytest.raises(ValueError, match="expected ndim=3, found ndim=4"):
        MaxPooling1D()(rng.standard_normal((1, 4, 4, 2)).astype("float32"))
