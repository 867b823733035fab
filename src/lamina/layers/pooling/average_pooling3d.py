"""AveragePooling3D: the mean over windows of a volume's depth, height and width."""

from __future__ import annotations

from lamina.layers.pooling.base_pooling import BasePooling


class AveragePooling3D(BasePooling):
    """The mean over windows of a volume's depth, height and width.

    Input ``(batch, depth, height, width, channels)`` (channels_last).
    ``strides`` defaults to ``pool_size``.
    """

    def __init__(
        self,
        pool_size=(2, 2, 2),
        strides=None,
        padding="valid",
        data_format=None,
        name=None,
        **kwargs,
    ):
        super().__init__(
            pool_size,
            strides,
            pool_dimensions=3,
            pool_mode="average",
            padding=padding,
            data_format=data_format,
            name=name,
            **kwargs,
        )
