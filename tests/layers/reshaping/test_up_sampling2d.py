import numpy as np
import pytest

import lamina as keras
from lamina.layers.reshaping import UpSampling2D
from tests.harness import assert_close, check_config_roundtrip


def _nearest(x, size):
    rows = [r // size[0] for r in range(x.shape[1] * size[0])]
    cols = [c // size[1] for c in range(x.shape[2] * size[1])]
    return x[:, rows][:, :, cols]


def _bilinear_axis(x, factor, axis):
    """Half-pixel-centre linear interpolation along ``axis`` (TF2 / torch align_corners=False)."""
    n = x.shape[axis]
    out = []
    for target in range(n * factor):
        source = max((target + 0.5) / factor - 0.5, 0.0)
        low = int(np.floor(source))
        high = min(low + 1, n - 1)
        weight = source - low
        out.append((1 - weight) * np.take(x, low, axis) + weight * np.take(x, high, axis))
    return np.stack(out, axis=axis)


def _bilinear(x, size):
    return _bilinear_axis(_bilinear_axis(x, size[0], 1), size[1], 2)


@pytest.mark.parametrize("data_format", ["channels_last", "channels_first"])
@pytest.mark.parametrize(
    ("interpolation", "size"),
    [("nearest", (2, 2)), ("nearest", (1, 3)), ("bilinear", (2, 2)), ("bilinear", (3, 2))],
)
def test_up_sampling2d_matches_numpy(interpolation, size, data_format, rng):
    x = rng.standard_normal((2, 3, 4, 2))  # channels_last; reference computed in this layout
    reference = _nearest if interpolation == "nearest" else _bilinear
    expected = reference(x, size)
    if data_format == "channels_first":
        x, expected = np.moveaxis(x, -1, 1), np.moveaxis(expected, -1, 1)
    layer = UpSampling2D(size, data_format=data_format, interpolation=interpolation)
    assert_close(layer(x.astype("float32")), expected, rtol=1e-5, atol=1e-5)
    assert layer(keras.Input(x.shape[1:])).shape == (None, *expected.shape[1:])


def test_up_sampling2d_unknown_dims_stay_unknown():
    layer = UpSampling2D((2, 3), data_format="channels_first")
    assert layer(keras.Input((3, None, 5))).shape == (None, 3, None, 15)


def test_up_sampling2d_config_roundtrip():
    config = UpSampling2D().get_config()
    assert (config["size"], config["data_format"], config["interpolation"]) == (
        (2, 2),
        "channels_last",
        "nearest",
    )
    clone = check_config_roundtrip(UpSampling2D(3, "channels_first", "Bilinear"))
    assert (clone.size, clone.data_format, clone.interpolation) == (
        (3, 3),
        "channels_first",
        "bilinear",
    )


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"size": 0}, "size must be a positive int"),
        ({"size": (2, 2, 2)}, "size must be a positive int or a tuple of 2"),
        ({"interpolation": "area"}, "interpolation must be one of"),
        ({"data_format": "NHWC"}, "data_format must be one of"),
    ],
)
def test_up_sampling2d_rejects_bad_arguments(kwargs, match):
    with pytest.raises(ValueError, match=match):
        UpSampling2D(**kwargs)
