"""Equalization: histogram equalisation of each image channel."""

from __future__ import annotations

from lamina import ops
from lamina.layers.arguments import require_positive_int
from lamina.layers.preprocessing.image_preprocessing.augmentation_arguments import (
    check_value_range,
)
from lamina.layers.preprocessing.image_preprocessing.pixel_value_layer import PixelValueLayer


class Equalization(PixelValueLayer):
    """Spreads the intensities of each channel over [0, 255] (in value_range units) by
    their cumulative histogram of bins bins. Deterministic: applies with
    training=False too.

    As in Keras 3.15, the histogram of a channel is taken over the whole batch it is
    called on (one image on its own is equalised by its own histogram); a channel whose
    values fall in one bin is kept.
    """

    _USE_BASE_FACTOR = False

    def __init__(self, value_range=(0, 255), bins=256, data_format=None, **kwargs):
        super().__init__(data_format=data_format, **kwargs)
        self.bins = require_positive_int("bins", bins)
        self.value_range = check_value_range("Equalization", value_range)

    def transform_images(self, images, transformation=None, training=True):
        images = ops.cast(images, self.compute_dtype)
        if not training:
            return images
        axis = -1 if self.data_format == "channels_last" else -3
        channels = [
            self._equalize_channel(channel)
            for channel in ops.split(images, ops.shape(images)[axis], axis=axis)
        ]
        return ops.cast(ops.concatenate(channels, axis=axis), self.compute_dtype)

    def _equalize_channel(self, channel):
        channel = self._transform_value_range(channel, self.value_range, (0, 255), "float32")
        bins = self.bins
        # Bin of each value, as Keras counts it: (x - 0) * (bins - 1) / 255, truncated.
        indices = ops.clip(ops.cast(channel * (bins - 1) / 255.0, "int32"), 0, bins - 1)
        ordered = ops.sort(ops.reshape(indices, (-1,)))
        # The cumulative histogram straight from the sorted bins: values in bins <= k.
        cdf = ops.searchsorted(ordered, ops.arange(bins, dtype="int32"), side="right")
        cdf = ops.cast(cdf, "float32")
        cdf_min = ops.take(cdf, ordered[0])  # the count of the lowest occupied bin
        denominator = cdf[-1] - cdf_min
        denominator = ops.where(denominator == 0, ops.ones_like(denominator), denominator)
        lookup = ops.clip(ops.round((cdf - cdf_min) * 255 / denominator), 0, 255)
        positions = ops.cast(ops.clip(channel / 255.0 * (bins - 1), 0, bins - 1), "int32")
        equalized = ops.take(lookup, positions)
        one_bin = ordered[0] == ordered[-1]
        equalized = ops.where(one_bin, channel, equalized)
        return self._transform_value_range(equalized, (0, 255), self.value_range, "float32")

    def get_config(self) -> dict:
        return {**super().get_config(), "bins": self.bins, "value_range": self.value_range}
