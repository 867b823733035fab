"""MaxPooling1D: the maximum over windows along the steps of a sequence."""

from __future__ import annotations

from lamina.layers.pooling.base_pooling import BasePooling


class MaxPooling1D(BasePooling):
    """The maximum over windows along the steps of a sequence.

    Input ``(batch, steps, channels)`` (channels_last); ``strides`` defaults to ``pool_size``.
    """

    def __init__(
        self,
        pool_size=2,
        strides=None,
        padding="valid",
        data_format=None,
        name=None,
        **kwargs,
    ):
        super().__init__(
            pool_size,
            strides,
            pool_dimensions=1,
            pool_mode="max",
            padding=padding,
            data_format=data_format,
            name=name,
            **kwargs,
        )
