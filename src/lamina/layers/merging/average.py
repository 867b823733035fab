"""Average: averages a list of tensors element-wise."""

from __future__ import annotations

from lamina import ops
from lamina.layers.merging.base_merge import Merge


class Average(Merge):
    """Averages a list of tensors element-wise.

    >>> Average()([np.ones((2, 3)), np.ones((2, 3))]).shape  # (2, 3)
    """

    def _merge_function(self, inputs):
        output = inputs[0]
        for x in inputs[1:]:
            output = ops.add(output, x)
        return ops.divide(output, len(inputs))


def average(inputs, **kwargs):
    """Functional form of `Average`: ``Average(**kwargs)(inputs)``."""
    return Average(**kwargs)(inputs)
