"""MaxPooling3D and AveragePooling3D: values, gradients, shapes, config and errors."""

import pytest

from lamina.layers.pooling import AveragePooling3D, AvgPool3D, MaxPool3D, MaxPooling3D
from tests.layers.pooling.pool_reference import pool_reference
from tests.layers.window_layer_checks import (
    DATA_FORMATS,
    check_config,
    check_forward,
    check_gradients,
    check_rejects_wrong_rank_and_channels,
    inputs_for,
)

MODES = {MaxPooling3D: "max", AveragePooling3D: "mean"}
KWARGS = [
    {},
    {"pool_size": (2, 3, 2), "strides": 1, "padding": "same"},
    {"pool_size": (1, 2, 3), "strides": (2, 1, 2)},
]


def _case_id(kwargs):
    return "-".join(f"{k}={v}" for k, v in kwargs.items()) or "defaults"


def _reference(cls, x, kwargs, data_format="channels_last"):
    return pool_reference(
        x,
        kwargs.get("pool_size", (2, 2, 2)),
        kwargs.get("strides"),
        kwargs.get("padding", "valid"),
        MODES[cls],
        data_format,
    )


@pytest.mark.parametrize("data_format", DATA_FORMATS)
@pytest.mark.parametrize("kwargs", KWARGS, ids=_case_id)
@pytest.mark.parametrize("cls", [MaxPooling3D, AveragePooling3D])
def test_pooling3d_matches_numpy(cls, kwargs, data_format, rng):
    x = inputs_for((2, 4, 5, 5, 3), data_format, rng)
    layer = cls(**kwargs, data_format=data_format)
    check_forward(layer, x, _reference(cls, x, kwargs, data_format), rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("cls", [MaxPooling3D, AveragePooling3D])
def test_pooling3d_gradients_match_finite_differences(cls, rng):
    x = rng.standard_normal((1, 3, 4, 3, 2))  # distinct values: max pooling has no ties
    kwargs = {"pool_size": 2, "strides": (1, 2, 2), "padding": "same"}
    layer = cls(**kwargs, dtype="float64")
    check_gradients(layer, x, lambda x: _reference(cls, x, kwargs), atol=1e-8)


@pytest.mark.parametrize("cls", [MaxPooling3D, AveragePooling3D])
def test_pooling3d_config_defaults_and_aliases(cls):
    layer = cls((2, 1, 2), strides=(1, 1, 2), padding="SAME", data_format="channels_first")
    clone = check_config(
        layer, {"name", "trainable", "dtype", "pool_size", "padding", "strides", "data_format"}
    )
    assert (clone.pool_size, clone.strides, clone.padding) == ((2, 1, 2), (1, 1, 2), "same")
    config = cls().get_config()
    assert (config["pool_size"], config["strides"], config["padding"]) == (
        (2, 2, 2),
        (2, 2, 2),
        "valid",
    )
    assert (MaxPool3D, AvgPool3D) == (MaxPooling3D, AveragePooling3D)


def test_pooling3d_rejects_bad_arguments_and_inputs(rng):
    with pytest.raises(ValueError, match="pool_size must be a positive int or a tuple of 3"):
        MaxPooling3D((2, 2))
    with pytest.raises(ValueError, match="smaller than the pooling window"):
        AveragePooling3D(3)(rng.standard_normal((1, 2, 4, 4, 1)).astype("float32"))
    check_rejects_wrong_rank_and_channels(
        MaxPooling3D(), (1, 2, 2, 2, 3), rng, check_channels=False
    )
