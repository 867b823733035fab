"""AdaptiveMaxPooling1D: the maximum over adaptive windows of the steps of a sequence."""

from __future__ import annotations

from lamina.layers.pooling.base_adaptive_pooling import BaseAdaptivePooling


class AdaptiveMaxPooling1D(BaseAdaptivePooling):
    """The maximum over windows sized so that the steps of a sequence become ``output_size``.

    Input ``(batch, steps, channels)`` (channels_last); ``output_size`` is an int or a tuple
    of 1 ints.
    """

    def __init__(self, output_size, data_format=None, **kwargs):
        super().__init__(
            output_size,
            pool_dimensions=1,
            pool_mode="max",
            data_format=data_format,
            **kwargs,
        )
