"""Cropping3D: values, shapes, config and errors."""

import numpy as np
import pytest

import lamina as keras
from lamina.layers.reshaping import Cropping3D
from tests.layers.window_layer_checks import (
    DATA_FORMATS,
    check_config,
    check_forward,
    check_rejects_wrong_rank_and_channels,
    inputs_for,
)


@pytest.mark.parametrize("data_format", DATA_FORMATS)
@pytest.mark.parametrize(
    ("cropping", "widths"),
    [
        (1, ((1, 1), (1, 1), (1, 1))),
        ((0, 2, 1), ((0, 0), (2, 2), (1, 1))),
        (((1, 0), (0, 2), (2, 1)), ((1, 0), (0, 2), (2, 1))),
    ],
)
def test_cropping3d_matches_numpy(cropping, widths, data_format, rng):
    x = inputs_for((2, 4, 5, 6, 2), data_format, rng)
    axes = (1, 2, 3) if data_format == "channels_last" else (2, 3, 4)
    key = [slice(None)] * 5
    for axis, (start, end) in zip(axes, widths):
        key[axis] = slice(start, x.shape[axis] - end)
    layer = Cropping3D(cropping, data_format=data_format)
    assert layer.cropping == widths
    check_forward(layer, x, x[tuple(key)], rtol=1e-6, atol=1e-7)  # float32 copies of the inputs


def test_cropping3d_defaults_unknown_dims_and_config():
    layer = Cropping3D()
    assert layer.cropping == ((1, 1), (1, 1), (1, 1))  # Keras's default (Cropping2D's is 0)
    assert layer(keras.Input((None, 5, 4, 3))).shape == (None, None, 3, 2, 3)
    clone = check_config(
        Cropping3D(((1, 2), (0, 1), (3, 0)), data_format="channels_first"),
        {"name", "trainable", "dtype", "cropping", "data_format"},
    )
    assert clone.cropping == ((1, 2), (0, 1), (3, 0))


def test_cropping3d_rejects_bad_cropping_and_inputs(rng):
    for bad in (-1, (1, 2), ((1, 2), (1, 2), (1, 2, 3)), 1.5):
        with pytest.raises(ValueError, match="cropping must be"):
            Cropping3D(bad)
    with pytest.raises(ValueError, match="removes every row or column"):
        Cropping3D(((2, 2), (0, 0), (0, 0)))(np.ones((1, 4, 3, 3, 1), "float32"))
    check_rejects_wrong_rank_and_channels(Cropping3D(0), (1, 2, 2, 2, 3), rng, check_channels=False)
