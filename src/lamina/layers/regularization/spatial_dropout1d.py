"""SpatialDropout1D: drops whole channels of (batch, steps, channels) sequences."""

from __future__ import annotations

from lamina.layers.regularization.base_spatial_dropout import BaseSpatialDropout


class SpatialDropout1D(BaseSpatialDropout):
    """Dropout of entire 1D feature maps: each (sample, channel) is kept or zeroed at every
    step together (Tompson et al., 2014). Inputs ``(batch, steps, channels)``.

    >>> SpatialDropout1D(0.5)(np.ones((2, 4, 3)), training=True)  # columns all 0 or all 2
    """

    spatial_rank = 1

    def __init__(self, rate, seed=None, name=None, dtype=None):
        super().__init__(rate, data_format="channels_last", seed=seed, name=name, dtype=dtype)
