"""ContrastLimitedAdaptiveHistogramEqualization (CLAHE): histogram equalisation per tile,
with each tile's histogram clipped, blended bilinearly between tiles."""

from __future__ import annotations

from lamina import ops
from lamina.layers.preprocessing.image_preprocessing.augmentation_arguments import (
    check_value_range,
)
from lamina.layers.preprocessing.image_preprocessing.pixel_value_layer import PixelValueLayer

_LEVELS = 256


def _check_tile_grid_size(tile_grid_size) -> tuple:
    if (
        not isinstance(tile_grid_size, (tuple, list))
        or len(tile_grid_size) != 2
        or not all(isinstance(v, int) and not isinstance(v, bool) and v > 0 for v in tile_grid_size)
    ):
        raise ValueError(
            "ContrastLimitedAdaptiveHistogramEqualization: `tile_grid_size` should be a pair "
            f"of positive ints (rows, columns). Received: tile_grid_size={tile_grid_size!r}"
        )
    return tuple(tile_grid_size)


class ContrastLimitedAdaptiveHistogramEqualization(PixelValueLayer):
    """CLAHE (as Keras 3.15 computes it): the image, padded by reflection to a whole
    number of tiles, is cut into ``tile_grid_size`` tiles; each tile's 256-level histogram
    is clipped at ``clip_limit`` times the mean bin count (the excess spread evenly over
    all bins; ``clip_limit <= 0`` clips nothing) and turned into a lookup table; each pixel
    blends the tables of its four nearest tile centres bilinearly.

    Deterministic: applies with ``training=False`` too. Works in [0, 255] units whatever
    ``value_range``; the output is in the layer's compute dtype.
    """

    _USE_BASE_FACTOR = False

    def __init__(
        self,
        value_range=(0, 255),
        clip_limit=4.0,
        tile_grid_size=(8, 8),
        data_format=None,
        **kwargs,
    ):
        super().__init__(data_format=data_format, **kwargs)
        name = "ContrastLimitedAdaptiveHistogramEqualization"
        self.value_range = check_value_range(name, value_range)
        if isinstance(clip_limit, bool) or not isinstance(clip_limit, (int, float)):
            raise ValueError(f"{name}: `clip_limit` should be a number. Received: {clip_limit!r}")
        self.clip_limit = clip_limit
        self.tile_grid_size = _check_tile_grid_size(tile_grid_size)

    def transform_images(self, images, transformation=None, training=True):
        images = ops.cast(images, "float32")
        if self.data_format == "channels_first":
            images = ops.transpose(images, (0, 2, 3, 1))
        images = self._transform_value_range(images, self.value_range, (0, 255), "float32")
        images = self._clahe(images)
        images = self._transform_value_range(images, (0, 255), self.value_range, "float32")
        if self.data_format == "channels_first":
            images = ops.transpose(images, (0, 3, 1, 2))
        return ops.cast(images, self.compute_dtype)

    def _clahe(self, images):
        batch, height, width, channels = ops.shape(images)
        grid_h, grid_w = self.tile_grid_size
        tile_h, tile_w = -(-height // grid_h), -(-width // grid_w)  # ceil
        padded_h, padded_w = tile_h * grid_h, tile_w * grid_w
        if (padded_h, padded_w) != (height, width):
            padding = [[0, 0], [0, padded_h - height], [0, padded_w - width], [0, 0]]
            images = ops.pad(images, padding, mode="symmetric")
        levels = ops.cast(ops.clip(images, 0, 255), "int32")  # (N, Hp, Wp, C)
        lookup = self._tile_lookup_tables(levels, tile_h, tile_w)  # (N, gh + 2, gw + 2, C, 256)
        # Each row (column) lies between two tile centres; its weight is its distance past
        # the upper (left) one, in tiles. Index 0 and g + 1 are the replicated edge tiles.
        rows_low, rows_high, row_weight = _neighbours(padded_h, tile_h, grid_h)
        cols_low, cols_high, col_weight = _neighbours(padded_w, tile_w, grid_w)
        flat = ops.reshape(lookup, (-1,))
        stride_x = channels * _LEVELS
        stride_y = stride_x * (grid_w + 2)
        stride_b = stride_y * (grid_h + 2)
        base = (
            ops.reshape(ops.arange(batch, dtype="int32") * stride_b, (-1, 1, 1, 1))
            + ops.reshape(ops.arange(channels, dtype="int32") * _LEVELS, (1, 1, 1, -1))
            + levels
        )  # (N, Hp, Wp, C)

        def corner(rows, cols):
            rows = ops.reshape(rows * stride_y, (1, -1, 1, 1))
            cols = ops.reshape(cols * stride_x, (1, 1, -1, 1))
            return ops.take(flat, base + rows + cols)

        wy = ops.reshape(row_weight, (1, -1, 1, 1))
        wx = ops.reshape(col_weight, (1, 1, -1, 1))
        top = corner(rows_low, cols_low) * (1 - wx) + corner(rows_low, cols_high) * wx
        bottom = corner(rows_high, cols_low) * (1 - wx) + corner(rows_high, cols_high) * wx
        result = top * (1 - wy) + bottom * wy
        return result[:, :height, :width, :]

    def _tile_lookup_tables(self, levels, tile_h, tile_w):
        """(N, gh + 2, gw + 2, C, 256) equalisation tables, the outer ring a copy of the
        edge tiles."""
        batch, _, _, channels = ops.shape(levels)
        grid_h, grid_w = self.tile_grid_size
        tiles = ops.reshape(levels, (batch, grid_h, tile_h, grid_w, tile_w, channels))
        tiles = ops.transpose(tiles, (0, 1, 3, 5, 2, 4))  # (N, gh, gw, C, th, tw)
        num_tiles = batch * grid_h * grid_w * channels
        tile_ids = ops.reshape(ops.arange(num_tiles, dtype="int32"), (-1, 1))
        bins = ops.reshape(tiles, (num_tiles, tile_h * tile_w)) + tile_ids * _LEVELS
        ones = ops.ones((num_tiles * tile_h * tile_w,), dtype="float32")
        histogram = ops.segment_sum(
            ones, ops.reshape(bins, (-1,)), num_segments=num_tiles * _LEVELS
        )
        histogram = ops.reshape(histogram, (batch, grid_h, grid_w, channels, _LEVELS))
        pixels = float(tile_h * tile_w)
        if self.clip_limit > 0:
            limit = self.clip_limit * pixels / _LEVELS
            clipped = ops.clip(histogram, 0, limit)
            excess = ops.sum(histogram - clipped, axis=-1, keepdims=True)
            histogram = clipped + excess / _LEVELS
        cdf = ops.cumsum(histogram, axis=-1)
        cdf_min = ops.min(cdf, axis=-1, keepdims=True)
        denominator = pixels - cdf_min
        denominator = ops.where(denominator == 0, ops.ones_like(denominator), denominator)
        tables = ops.clip((cdf - cdf_min) * 255.0 / denominator, 0, 255)
        tables = ops.concatenate([tables[:, :1], tables, tables[:, -1:]], axis=1)
        return ops.concatenate([tables[:, :, :1], tables, tables[:, :, -1:]], axis=2)

    def get_config(self) -> dict:
        return {
            **super().get_config(),
            "value_range": self.value_range,
            "clip_limit": self.clip_limit,
            "tile_grid_size": self.tile_grid_size,
        }


def _neighbours(length, tile, grid):
    """For positions 0 .. length - 1: the tile-table indices on either side (in the table
    padded by one tile each end) and the weight of the second."""
    position = (ops.arange(length, dtype="float32") - tile / 2.0) / tile + 1.0
    low = ops.floor(position)
    weight = position - low
    high = ops.cast(ops.clip(low + 1.0, 0, grid + 1), "int32")
    low = ops.cast(ops.clip(low, 0, grid + 1), "int32")
    return low, high, weight
