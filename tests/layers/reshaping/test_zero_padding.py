"""ZeroPadding1D and ZeroPadding2D."""

import numpy as np
import pytest

import lamina as keras
from lamina.layers.reshaping import ZeroPadding1D, ZeroPadding2D
from tests.harness import assert_close, check_config_roundtrip


def _padded(x, widths, axes):
    """Zeros of the padded shape with x copied into the interior, one axis at a time."""
    shape = list(x.shape)
    index = [slice(None)] * x.ndim
    for axis, (start, end) in zip(axes, widths):
        shape[axis] += start + end
        index[axis] = slice(start, start + x.shape[axis])
    out = np.zeros(shape)
    out[tuple(index)] = x
    return out


@pytest.mark.parametrize("data_format", ["channels_last", "channels_first"])
@pytest.mark.parametrize(("padding", "widths"), [(1, (1, 1)), ((0, 3), (0, 3)), ([2, 1], (2, 1))])
def test_zero_padding1d_matches_numpy(padding, widths, data_format, rng):
    x = rng.standard_normal((2, 4, 3) if data_format == "channels_last" else (2, 3, 4))
    axis = 1 if data_format == "channels_last" else 2
    layer = ZeroPadding1D(padding, data_format=data_format)
    expected = _padded(x, [widths], [axis])
    assert layer.padding == widths
    assert_close(layer(x.astype("float32")), expected)
    assert layer(keras.Input(x.shape[1:])).shape == (None, *expected.shape[1:])


@pytest.mark.parametrize("data_format", ["channels_last", "channels_first"])
@pytest.mark.parametrize(
    ("padding", "widths"),
    [
        (2, ((2, 2), (2, 2))),
        ((1, 3), ((1, 1), (3, 3))),
        (((1, 0), (0, 2)), ((1, 0), (0, 2))),
        ((1, (2, 0)), ((1, 1), (2, 0))),
    ],
)
def test_zero_padding2d_matches_numpy(padding, widths, data_format, rng):
    x = rng.standard_normal((2, 3, 4, 2))
    axes = (1, 2)
    if data_format == "channels_first":
        x, axes = np.moveaxis(x, -1, 1), (2, 3)
    layer = ZeroPadding2D(padding, data_format=data_format)
    expected = _padded(x, widths, axes)
    assert layer.padding == widths
    assert_close(layer(x.astype("float32")), expected)
    assert layer(keras.Input(x.shape[1:])).shape == (None, *expected.shape[1:])


def test_zero_padding_unknown_dims_stay_unknown():
    assert ZeroPadding1D(2)(keras.Input((None, 3))).shape == (None, None, 3)
    assert ZeroPadding2D(1)(keras.Input((None, 4, 2))).shape == (None, None, 6, 2)


def test_zero_padding_config_roundtrip():
    assert ZeroPadding1D().get_config()["padding"] == (1, 1)
    assert ZeroPadding2D().get_config()["padding"] == ((1, 1), (1, 1))
    clone = check_config_roundtrip(ZeroPadding2D(((1, 2), (3, 4)), data_format="channels_first"))
    assert (clone.padding, clone.data_format) == (((1, 2), (3, 4)), "channels_first")
    assert set(ZeroPadding1D().get_config()) == {
        "name",
        "trainable",
        "dtype",
        "padding",
        "data_format",
    }


@pytest.mark.parametrize(
    "make",
    [
        lambda: ZeroPadding1D(-1),
        lambda: ZeroPadding1D((1, 2, 3)),
        lambda: ZeroPadding1D("1"),
        lambda: ZeroPadding2D((1, 2, 3)),
        lambda: ZeroPadding2D(((1, -2), 3)),
        lambda: ZeroPadding2D(1.5),
    ],
)
def test_zero_padding_rejects_bad_padding(make):
    with pytest.raises(ValueError, match="padding must be"):
        make()
