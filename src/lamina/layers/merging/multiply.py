"""Multiply: multiplies a list of tensors element-wise."""

from __future__ import annotations

from lamina import ops
from lamina.layers.merging.base_merge import Merge


class Multiply(Merge):
    """Multiplies a list of tensors element-wise.

    >>> Multiply()([np.ones((2, 3)), np.ones((2, 3))]).shape  # (2, 3)
    """

    def _merge_function(self, inputs):
        output = inputs[0]
        for x in inputs[1:]:
            output = ops.multiply(output, x)
        return output


def multiply(inputs, **kwargs):
    """Functional form of `Multiply`: ``Multiply(**kwargs)(inputs)``."""
    return Multiply(**kwargs)(inputs)
