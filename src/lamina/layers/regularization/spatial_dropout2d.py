"""SpatialDropout2D: drops whole channels of 2D feature maps."""

from __future__ import annotations

from lamina.layers.regularization.base_spatial_dropout import BaseSpatialDropout


class SpatialDropout2D(BaseSpatialDropout):
    """Dropout of entire 2D feature maps: each (sample, channel) is kept or zeroed as a
    whole (Tompson et al., 2014). Inputs of rank 4, channels last (default) or first.

    >>> SpatialDropout2D(0.5)(x, training=True)  # each channel of each sample: all 0 or scaled
    """

    spatial_rank = 2

    def get_config(self) -> dict:
        return {**super().get_config(), "data_format": self.data_format}
