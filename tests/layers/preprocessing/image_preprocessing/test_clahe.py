import numpy as np
import pytest

import lamina
from lamina.layers.preprocessing.image_preprocessing.clahe import (
    ContrastLimitedAdaptiveHistogramEqualization as CLAHE,
)
from tests.harness import assert_close, check_config_roundtrip
from tests.layers.preprocessing.image_preprocessing.augmentation_checks import images


def clahe(x, grid, clip_limit):
    """Float64 loops over (N, H, W, C) in [0, 255]: tiles of a symmetric-padded image, a
    clipped 256-bin histogram per tile, tables blended bilinearly between tile centres."""
    n, h, w, c = x.shape
    gh, gw = grid
    th, tw = -(-h // gh), -(-w // gw)
    padding = ((0, 0), (0, th * gh - h), (0, tw * gw - w), (0, 0))
    levels = np.clip(np.pad(x, padding, mode="symmetric"), 0, 255).astype(int)
    tables = np.zeros((n, gh + 2, gw + 2, c, 256))
    for b, i, j, k in np.ndindex(n, gh, gw, c):
        tile = levels[b, i * th : (i + 1) * th, j * tw : (j + 1) * tw, k]
        histogram = np.bincount(tile.ravel(), minlength=256).astype(float)
        if clip_limit > 0:
            clipped = np.minimum(histogram, clip_limit * th * tw / 256)
            histogram = clipped + (histogram - clipped).sum() / 256
        cdf = np.cumsum(histogram)
        denominator = (th * tw - cdf.min()) or 1.0
        tables[b, i + 1, j + 1, k] = np.clip((cdf - cdf.min()) * 255 / denominator, 0, 255)
    tables[:, 0], tables[:, -1] = tables[:, 1], tables[:, -2]
    tables[:, :, 0], tables[:, :, -1] = tables[:, :, 1], tables[:, :, -2]

    def neighbours(position, tile, grid):
        place = (position - tile / 2) / tile + 1
        low = int(np.floor(place))
        return min(max(low, 0), grid + 1), min(low + 1, grid + 1), place - low

    out = np.zeros(x.shape)
    for y, xx, b, k in np.ndindex(h, w, n, c):
        y0, y1, wy = neighbours(y, th, gh)
        x0, x1, wx = neighbours(xx, tw, gw)
        table = tables[b, :, :, k, levels[b, y, xx, k]]
        top = table[y0, x0] * (1 - wx) + table[y0, x1] * wx
        bottom = table[y1, x0] * (1 - wx) + table[y1, x1] * wx
        out[b, y, xx, k] = top * (1 - wy) + bottom * wy
    return out


# One image shape and grid for every case (5 x 6 pads to whole 3 x 3 tiles): on JAX each
# new shape compiles every op again.
@pytest.mark.parametrize(("grid", "clip_limit"), [((2, 2), 2.0), ((2, 2), 0.0)])
def test_clahe_matches_numpy(rng, grid, clip_limit):
    x = images(rng, high=200.0)
    layer = CLAHE(clip_limit=clip_limit, tile_grid_size=grid)
    assert_close(layer(x, training=False), clahe(x.astype(np.float64), grid, clip_limit), atol=2e-3)


def test_clahe_value_range_channels_first_and_one_image(rng):
    x = images(rng, high=1.0)
    expected = clahe(x * 255.0, (2, 2), 3.0) / 255.0
    layer = CLAHE(
        value_range=(0, 1), clip_limit=3.0, tile_grid_size=(2, 2), data_format="channels_first"
    )
    assert_close(layer(x.transpose(0, 3, 1, 2)), expected.transpose(0, 3, 1, 2), atol=1e-5)
    assert_close(layer(x[0].transpose(2, 0, 1)), expected[0].transpose(2, 0, 1), atol=1e-5)


def test_clahe_symbolic_config_and_bad_arguments():
    layer = CLAHE(tile_grid_size=[2, 4])
    assert tuple(layer(lamina.Input((8, 8, 3))).shape) == (None, 8, 8, 3)
    assert check_config_roundtrip(layer).tile_grid_size == (2, 4)
    with pytest.raises(ValueError, match="tile_grid_size"):
        CLAHE(tile_grid_size=(2, 0))
    with pytest.raises(ValueError, match="clip_limit"):
        CLAHE(clip_limit="high")
