"""AdaptiveAveragePooling3D: the mean over adaptive windows of volumes."""

from __future__ import annotations

from lamina.layers.pooling.base_adaptive_pooling import BaseAdaptivePooling


class AdaptiveAveragePooling3D(BaseAdaptivePooling):
    """The mean over windows sized so that depth, height and width become ``output_size``.

    Input ``(batch, depth, height, width, channels)`` (channels_last); ``output_size`` is
    an int or a tuple of 3 ints.
    """

    def __init__(self, output_size, data_format=None, **kwargs):
        super().__init__(
            output_size,
            pool_dimensions=3,
            pool_mode="average",
            data_format=data_format,
            **kwargs,
        )
