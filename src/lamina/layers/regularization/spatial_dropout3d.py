"""SpatialDropout3D: drops whole channels of 3D feature maps."""

from __future__ import annotations

from lamina.layers.regularization.base_spatial_dropout import BaseSpatialDropout


class SpatialDropout3D(BaseSpatialDropout):
    """Dropout of entire 3D feature maps: each (sample, channel) is kept or zeroed as a
    whole (Tompson et al., 2014). Inputs of rank 5, channels last (default) or first.

    >>> SpatialDropout3D(0.5)(x, training=True)  # each channel of each sample: all 0 or scaled
    """

    spatial_rank = 3

    def get_config(self) -> dict:
        return {**super().get_config(), "data_format": self.data_format}
