"""Subtract: subtracts the second of two tensors from the first, element-wise."""

from __future__ import annotations

from lamina import ops
from lamina.layers.merging.base_merge import Merge


class Subtract(Merge):
    """Subtracts the second of two tensors from the first, element-wise.

    >>> Subtract()([np.ones((2, 3)), np.ones((2, 3))]).shape  # (2, 3)
    """

    num_inputs = 2

    def _merge_function(self, inputs):
        return ops.subtract(inputs[0], inputs[1])


def subtract(inputs, **kwargs):
    """Functional form of `Subtract`: ``Subtract(**kwargs)(inputs)``."""
    return Subtract(**kwargs)(inputs)
