"""UpSampling3D: values, gradients, shapes, config and errors."""

import numpy as np
import pytest

import lamina as keras
from lamina.layers.reshaping import UpSampling3D
from tests.layers.window_layer_checks import (
    DATA_FORMATS,
    check_config,
    check_forward,
    check_gradients,
    check_rejects_wrong_rank_and_channels,
    inputs_for,
)


def _nearest(x, size, data_format="channels_last"):
    """Output position i of each spatial axis copies input position i // factor."""
    first = 1 if data_format == "channels_last" else 2
    for axis, factor in zip(range(first, first + 3), size):
        x = np.take(x, np.arange(x.shape[axis] * factor) // factor, axis=axis)
    return x


@pytest.mark.parametrize("data_format", DATA_FORMATS)
@pytest.mark.parametrize(("size", "factors"), [(2, (2, 2, 2)), ((1, 3, 2), (1, 3, 2))])
def test_up_sampling3d_matches_numpy(size, factors, data_format, rng):
    x = inputs_for((2, 2, 3, 2, 3), data_format, rng)
    layer = UpSampling3D(size, data_format=data_format)
    assert layer.size == factors
    check_forward(
        layer, x, _nearest(x, factors, data_format), rtol=1e-6, atol=1e-7
    )  # float32 copies of the inputs


def test_up_sampling3d_gradients_match_finite_differences(rng):
    x = rng.standard_normal((1, 2, 2, 3, 2))
    layer = UpSampling3D((2, 1, 3), dtype="float64")
    check_gradients(layer, x, lambda x: _nearest(x, (2, 1, 3)))


def test_up_sampling3d_defaults_unknown_dims_and_config():
    layer = UpSampling3D()
    assert layer(keras.Input((None, 2, 3, 4))).shape == (None, None, 4, 6, 4)
    clone = check_config(
        UpSampling3D((1, 2, 3), data_format="channels_first"),
        {"name", "trainable", "dtype", "size", "data_format"},
    )
    assert (clone.size, clone.data_format) == ((1, 2, 3), "channels_first")
    assert UpSampling3D().get_config()["size"] == (2, 2, 2)


def test_up_sampling3d_rejects_bad_size_and_inputs(rng):
    for bad in (0, (2, 2), 1.5):
        with pytest.raises(ValueError, match="size must be"):
            UpSampling3D(bad)
    check_rejects_wrong_rank_and_channels(
        UpSampling3D(), (1, 2, 2, 2, 3), rng, check_channels=False
    )
