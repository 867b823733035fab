"""AdaptiveAveragePooling2D: the mean over adaptive windows of the height and width of images."""

from __future__ import annotations

from lamina.layers.pooling.base_adaptive_pooling import BaseAdaptivePooling


class AdaptiveAveragePooling2D(BaseAdaptivePooling):
    """The mean over windows sized so that the height and width of images become ``output_size``.

    Input ``(batch, height, width, channels)`` (channels_last); ``output_size`` is an int or a tuple
    of 2 ints.
    """

    def __init__(self, output_size, data_format=None, **kwargs):
        super().__init__(
            output_size,
            pool_dimensions=2,
            pool_mode="average",
            data_format=data_format,
            **kwargs,
        )
