"""Minimum: takes the element-wise minimum of a list of tensors."""

from __future__ import annotations

from lamina import ops
from lamina.layers.merging.base_merge import Merge


class Minimum(Merge):
    """Takes the element-wise minimum of a list of tensors.

    >>> Minimum()([np.ones((2, 3)), np.ones((2, 3))]).shape  # (2, 3)
    """

    def _merge_function(self, inputs):
        output = inputs[0]
        for x in inputs[1:]:
            output = ops.minimum(output, x)
        return output


def minimum(inputs, **kwargs):
    """Functional form of `Minimum`: ``Minimum(**kwargs)(inputs)``."""
    return Minimum(**kwargs)(inputs)
