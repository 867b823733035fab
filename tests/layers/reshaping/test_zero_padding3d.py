"""ZeroPadding3D: values, shapes, config and errors."""

import numpy as np
import pytest

import lamina as keras
from lamina.layers.reshaping import ZeroPadding3D
from tests.layers.window_layer_checks import (
    DATA_FORMATS,
    check_config,
    check_forward,
    check_rejects_wrong_rank_and_channels,
    inputs_for,
)


@pytest.mark.parametrize("data_format", DATA_FORMATS)
@pytest.mark.parametrize(
    ("padding", "widths"),
    [
        (1, ((1, 1), (1, 1), (1, 1))),
        ((2, 0, 1), ((2, 2), (0, 0), (1, 1))),
        (((1, 0), (0, 2), (2, 1)), ((1, 0), (0, 2), (2, 1))),
    ],
)
def test_zero_padding3d_matches_numpy(padding, widths, data_format, rng):
    x = inputs_for((2, 2, 3, 2, 2), data_format, rng)
    axes = (1, 2, 3) if data_format == "channels_last" else (2, 3, 4)
    pad_width = [(0, 0)] * 5
    for axis, pair in zip(axes, widths):
        pad_width[axis] = pair
    layer = ZeroPadding3D(padding, data_format=data_format)
    assert layer.padding == widths
    check_forward(
        layer, x, np.pad(x, pad_width), rtol=1e-6, atol=1e-7
    )  # float32 copies of the inputs


def test_zero_padding3d_defaults_unknown_dims_and_config():
    layer = ZeroPadding3D()
    assert layer.padding == ((1, 1), (1, 1), (1, 1))
    assert layer(keras.Input((None, 5, 4, 3))).shape == (None, None, 7, 6, 3)
    clone = check_config(
        ZeroPadding3D(((1, 2), (0, 1), (3, 0)), data_format="channels_first"),
        {"name", "trainable", "dtype", "padding", "data_format"},
    )
    assert clone.padding == ((1, 2), (0, 1), (3, 0))


def test_zero_padding3d_rejects_bad_padding_and_inputs(rng):
    for bad in (-1, (1, 2), ((1, 2), (1, -2), 1), "1"):
        with pytest.raises(ValueError, match="padding must be"):
            ZeroPadding3D(bad)
    check_rejects_wrong_rank_and_channels(
        ZeroPadding3D(), (1, 2, 2, 2, 3), rng, check_channels=False
    )
