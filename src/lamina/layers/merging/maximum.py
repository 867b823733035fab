"""Maximum: takes the element-wise maximum of a list of tensors."""

from __future__ import annotations

from lamina import ops
from lamina.layers.merging.base_merge import Merge


class Maximum(Merge):
    """Takes the element-wise maximum of a list of tensors.

    >>> Maximum()([np.ones((2, 3)), np.ones((2, 3))]).shape  # (2, 3)
    """

    def _merge_function(self, inputs):
        output = inputs[0]
        for x in inputs[1:]:
            output = ops.maximum(output, x)
        return output


def maximum(inputs, **kwargs):
    """Functional form of `Maximum`: ``Maximum(**kwargs)(inputs)``."""
    return Maximum(**kwargs)(inputs)
