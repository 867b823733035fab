"""Global pooling layers: values (with masks), shapes, config and errors."""

import numpy as np
import pytest

import lamina as keras
from lamina.layers.pooling import (
    GlobalAveragePooling1D,
    GlobalAveragePooling2D,
    GlobalAvgPool1D,
    GlobalAvgPool2D,
    GlobalMaxPool1D,
    GlobalMaxPool2D,
    GlobalMaxPooling1D,
    GlobalMaxPooling2D,
)
from tests.harness import assert_close, check_config_roundtrip, engine_gradients, numeric_gradients

# (layer class, channels_last input shape, NumPy reduction)
CASES = [
    (GlobalAveragePooling1D, (3, 7, 4), np.mean),
    (GlobalMaxPooling1D, (3, 7, 4), np.max),
    (GlobalAveragePooling2D, (3, 5, 6, 4), np.mean),
    (GlobalMaxPooling2D, (3, 5, 6, 4), np.max),
]
IDS = [cls.__name__ for cls, _, _ in CASES]


def _spatial_axes(ndim, data_format):
    return tuple(range(1, ndim - 1)) if data_format == "channels_last" else tuple(range(2, ndim))


@pytest.mark.parametrize("keepdims", [False, True])
@pytest.mark.parametrize("data_format", ["channels_last", "channels_first"])
@pytest.mark.parametrize(("cls", "shape", "reduce"), CASES, ids=IDS)
def test_global_pooling_matches_numpy(cls, shape, reduce, data_format, keepdims, rng):
    x = rng.standard_normal(shape)
    if data_format == "channels_first":
        x = np.moveaxis(x, -1, 1)
    layer = cls(data_format=data_format, keepdims=keepdims)
    outputs = layer(x.astype("float32"))
    expected = reduce(x, axis=_spatial_axes(x.ndim, data_format), keepdims=keepdims)
    assert tuple(outputs.shape) == expected.shape == layer.compute_output_shape(x.shape)
    assert_close(outputs, expected, rtol=1e-5, atol=1e-6)
    symbolic = layer(keras.Input(x.shape[1:]))
    assert symbolic.shape == (None, *expected.shape[1:])


@pytest.mark.parametrize(
    ("layer", "input_shape", "expected"),
    [
        (GlobalAveragePooling1D(), (None, None, 4), (None, 4)),
        (GlobalMaxPooling1D(keepdims=True), (2, None, 4), (2, 1, 4)),
        (GlobalAveragePooling2D(data_format="channels_first"), (None, 3, None, None), (None, 3)),
        (
            GlobalMaxPooling2D(keepdims=True, data_format="channels_first"),
            (None, 3, None, 5),
            (None, 3, 1, 1),
        ),
    ],
)
def test_global_pooling_compute_output_shape_with_unknown_dims(layer, input_shape, expected):
    assert layer.compute_output_shape(input_shape) == expected
    assert layer(keras.Input(batch_shape=input_shape)).shape == expected


@pytest.mark.parametrize("data_format", ["channels_last", "channels_first"])
@pytest.mark.parametrize("keepdims", [False, True])
def test_global_average_pooling1d_averages_only_unmasked_steps(data_format, keepdims, rng):
    x = rng.standard_normal((3, 6, 2))
    mask = np.array([[1, 1, 1, 0, 0, 0], [1, 1, 1, 1, 1, 1], [0, 1, 0, 1, 0, 0]], bool)
    expected = np.stack([x[i][mask[i]].mean(axis=0) for i in range(3)])  # (B, C)
    if keepdims:
        expected = expected[:, None, :]
    if data_format == "channels_first":
        x, expected = np.moveaxis(x, -1, 1), np.moveaxis(expected, -1, 1)
    layer = GlobalAveragePooling1D(data_format=data_format, keepdims=keepdims)
    assert layer.supports_masking
    assert_close(layer(x.astype("float32"), mask=mask), expected, rtol=1e-5, atol=1e-6)
    assert layer.compute_mask(x, mask) is None


@pytest.mark.parametrize(("cls", "shape", "reduce"), CASES[2:], ids=IDS[2:])
def test_global_pooling2d_gradients_match_finite_differences(cls, shape, reduce, rng):
    x = rng.standard_normal((2, 3, 4, 2))
    got = engine_gradients(cls(dtype="float64"), [x])
    want = numeric_gradients(lambda x: reduce(x, axis=(1, 2)), [x])
    assert_close(got[0], want[0], rtol=1e-6, atol=1e-8)


@pytest.mark.parametrize(("cls", "shape", "reduce"), CASES, ids=IDS)
def test_global_pooling_config_roundtrip(cls, shape, reduce):
    layer = cls(data_format="channels_first", keepdims=True)
    config = layer.get_config()
    assert set(config) == {"name", "trainable", "dtype", "data_format", "keepdims"}
    clone = check_config_roundtrip(layer)
    assert (clone.data_format, clone.keepdims) == ("channels_first", True)
    assert cls().get_config()["keepdims"] is False
    assert cls().get_config()["data_format"] == "channels_last"


def test_global_pooling_aliases():
    assert (GlobalAvgPool1D, GlobalAvgPool2D, GlobalMaxPool1D, GlobalMaxPool2D) == (
        GlobalAveragePooling1D,
        GlobalAveragePooling2D,
        GlobalMaxPooling1D,
        GlobalMaxPooling2D,
    )


def test_global_pooling_rejects_bad_arguments_and_inputs(rng):
    with pytest.raises(ValueError, match="data_format must be one of"):
        GlobalMaxPooling2D(data_format="NHWC")
    with pytest.raises(ValueError, match="expected ndim=4, found ndim=3"):
        GlobalAveragePooling2D()(rng.standard_normal((2, 5, 3)).astype("float32"))
