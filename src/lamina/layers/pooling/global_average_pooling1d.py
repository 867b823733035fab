"""GlobalAveragePooling1D: the mean over all steps of a sequence, honouring a mask."""

from __future__ import annotations

from lamina import ops
from lamina.layers.pooling.base_global_pooling import BaseGlobalPooling


class GlobalAveragePooling1D(BaseGlobalPooling):
    """The mean over the steps axis of ``(batch, steps, channels)`` (channels_last).

    With a boolean ``mask`` of shape ``(batch, steps)``, only unmasked steps are averaged.
    """

    def __init__(self, data_format=None, keepdims=False, **kwargs):
        super().__init__(pool_dimensions=1, data_format=data_format, keepdims=keepdims, **kwargs)
        self.supports_masking = True

    def call(self, inputs, mask=None):
        steps_axis = self._spatial_axes[0]
        if mask is None:
            return ops.mean(inputs, axis=steps_axis, keepdims=self.keepdims)
        channel_axis = 2 if steps_axis == 1 else 1
        weights = ops.expand_dims(ops.cast(mask, inputs.dtype), channel_axis)  # (B, T, 1)
        total = ops.sum(ops.multiply(inputs, weights), axis=steps_axis, keepdims=self.keepdims)
        count = ops.sum(weights, axis=steps_axis, keepdims=self.keepdims)
        return ops.divide(total, count)

    def compute_mask(self, inputs, mask=None):
        return None  # the steps axis the mask described is gone
