"""GlobalMaxPooling3D and GlobalAveragePooling3D: values, shapes, config and errors."""

import numpy as np
import pytest

import lamina as keras
from lamina.layers.pooling import (
    GlobalAveragePooling3D,
    GlobalAvgPool3D,
    GlobalMaxPool3D,
    GlobalMaxPooling3D,
)
from tests.layers.window_layer_checks import (
    DATA_FORMATS,
    check_config,
    check_forward,
    check_gradients,
    check_rejects_wrong_rank_and_channels,
    inputs_for,
)

REDUCTIONS = {GlobalMaxPooling3D: np.max, GlobalAveragePooling3D: np.mean}


def _axes(data_format):
    return (1, 2, 3) if data_format == "channels_last" else (2, 3, 4)


@pytest.mark.parametrize("keepdims", [False, True])
@pytest.mark.parametrize("data_format", DATA_FORMATS)
@pytest.mark.parametrize("cls", [GlobalMaxPooling3D, GlobalAveragePooling3D])
def test_global_pooling3d_matches_numpy(cls, data_format, keepdims, rng):
    x = inputs_for((2, 3, 4, 2, 5), data_format, rng)
    layer = cls(data_format=data_format, keepdims=keepdims)
    expected = REDUCTIONS[cls](x, axis=_axes(data_format), keepdims=keepdims)
    check_forward(layer, x, expected, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("cls", [GlobalMaxPooling3D, GlobalAveragePooling3D])
def test_global_pooling3d_gradients_match_finite_differences(cls, rng):
    x = rng.standard_normal((2, 2, 3, 2, 2))
    layer = cls(dtype="float64")
    check_gradients(layer, x, lambda x: REDUCTIONS[cls](x, axis=(1, 2, 3)), atol=1e-8)


def test_global_pooling3d_unknown_dims_config_and_aliases():
    layer = GlobalAveragePooling3D(data_format="channels_first", keepdims=True)
    assert layer(keras.Input((3, None, 4, None))).shape == (None, 3, 1, 1, 1)
    assert GlobalMaxPooling3D()(keras.Input((None, None, None, 6))).shape == (None, 6)
    clone = check_config(layer, {"name", "trainable", "dtype", "data_format", "keepdims"})
    assert (clone.data_format, clone.keepdims) == ("channels_first", True)
    assert (GlobalMaxPool3D, GlobalAvgPool3D) == (GlobalMaxPooling3D, GlobalAveragePooling3D)


def test_global_pooling3d_rejects_wrong_rank(rng):
    check_rejects_wrong_rank_and_channels(
        GlobalMaxPooling3D(), (1, 2, 2, 2, 3), rng, check_channels=False
    )
