"""Cropping1D and Cropping2D."""

import numpy as np
import pytest

import lamina as keras
from lamina.layers.reshaping import Cropping1D, Cropping2D
from tests.harness import assert_close, check_config_roundtrip


@pytest.mark.parametrize(("cropping", "widths"), [(1, (1, 1)), ((0, 2), (0, 2)), ((3, 0), (3, 0))])
def test_cropping1d_matches_numpy(cropping, widths, rng):
    x = rng.standard_normal((2, 6, 3))
    layer = Cropping1D(cropping)
    expected = x[:, widths[0] : 6 - widths[1]]
    assert layer.cropping == widths
    assert_close(layer(x.astype("float32")), expected)
    assert layer(keras.Input((6, 3))).shape == (None, *expected.shape[1:])


@pytest.mark.parametrize("data_format", ["channels_last", "channels_first"])
@pytest.mark.parametrize(
    ("cropping", "widths"),
    [
        (1, ((1, 1), (1, 1))),
        ((2, 0), ((2, 2), (0, 0))),
        (((1, 0), (0, 2)), ((1, 0), (0, 2))),
        (((0, 0), (0, 0)), ((0, 0), (0, 0))),
    ],
)
def test_cropping2d_matches_numpy(cropping, widths, data_format, rng):
    x = rng.standard_normal((2, 5, 6, 2))
    (top, bottom), (left, right) = widths
    expected = x[:, top : 5 - bottom, left : 6 - right]
    if data_format == "channels_first":
        x, expected = np.moveaxis(x, -1, 1), np.moveaxis(expected, -1, 1)
    layer = Cropping2D(cropping, data_format=data_format)
    assert layer.cropping == widths
    assert_close(layer(x.astype("float32")), expected)
    assert layer(keras.Input(x.shape[1:])).shape == (None, *expected.shape[1:])


def test_cropping_unknown_dims_stay_unknown():
    assert Cropping1D(2)(keras.Input((None, 3))).shape == (None, None, 3)
    assert Cropping2D(1)(keras.Input((None, 4, 2))).shape == (None, None, 2, 2)


def test_cropping_config_roundtrip():
    assert Cropping1D().get_config()["cropping"] == (1, 1)
    config = Cropping2D().get_config()
    assert (config["cropping"], config["data_format"]) == (((0, 0), (0, 0)), "channels_last")
    clone = check_config_roundtrip(Cropping2D(((1, 2), (3, 4)), data_format="channels_first"))
    assert (clone.cropping, clone.data_format) == (((1, 2), (3, 4)), "channels_first")
    assert set(Cropping1D().get_config()) == {"name", "trainable", "dtype", "cropping"}


@pytest.mark.parametrize(
    "make", [lambda: Cropping1D(-1), lambda: Cropping1D((1, 2, 3)), lambda: Cropping2D((1, 2, 3))]
)
def test_cropping_rejects_bad_cropping(make):
    with pytest.raises(ValueError, match="cropping must be"):
        make()


def test_cropping_rejects_crops_that_remove_everything(rng):
    with pytest.raises(ValueError, match="removes all 4 steps"):
        Cropping1D((2, 2))(rng.standard_normal((1, 4, 3)))
    with pytest.raises(ValueError, match="removes every row or column"):
        Cropping2D(((0, 0), (3, 3)))(keras.Input((8, 6, 1)))
