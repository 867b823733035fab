"""GlobalMaxPooling1D: the maximum over all steps of a sequence."""

from __future__ import annotations

from lamina import ops
from lamina.layers.pooling.base_global_pooling import BaseGlobalPooling


class GlobalMaxPooling1D(BaseGlobalPooling):
    """The maximum over the steps axis, one value per channel."""

    def __init__(self, data_format=None, keepdims=False, **kwargs):
        super().__init__(pool_dimensions=1, data_format=data_format, keepdims=keepdims, **kwargs)

    def call(self, inputs):
        return ops.max(inputs, axis=self._spatial_axes, keepdims=self.keepdims)
