"""Add: sums a list of tensors element-wise."""

from __future__ import annotations

from lamina import ops
from lamina.layers import in_place
from lamina.layers.merging.base_merge import Merge


class Add(in_place.FreshOutputs, Merge):
    """Sums a list of tensors element-wise.

    >>> Add()([np.ones((2, 3)), np.ones((2, 3))]).shape  # (2, 3)
    """

    def _merge_function(self, inputs):
        if len(inputs) == 1:
            return ops.copy(inputs[0])  # a new array, as for more inputs (FreshOutputs)
        output = inputs[0]
        for x in inputs[1:]:
            output = ops.add(output, x)
        return output


def add(inputs, **kwargs):
    """Functional form of `Add`: ``Add(**kwargs)(inputs)``."""
    return Add(**kwargs)(inputs)
