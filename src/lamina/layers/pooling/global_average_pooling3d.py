"""GlobalAveragePooling3D: the mean over a volume's depth, height and width."""

from __future__ import annotations

from lamina import ops
from lamina.layers.pooling.base_global_pooling import BaseGlobalPooling


class GlobalAveragePooling3D(BaseGlobalPooling):
    """The mean over the depth, height and width axes, one value per channel."""

    def __init__(self, data_format=None, keepdims=False, **kwargs):
        super().__init__(pool_dimensions=3, data_format=data_format, keepdims=keepdims, **kwargs)

    def call(self, inputs):
        return ops.mean(inputs, axis=self._spatial_axes, keepdims=self.keepdims)
