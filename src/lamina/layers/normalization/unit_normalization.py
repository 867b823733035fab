"""UnitNormalization: scales each sample to an L2 norm of 1 over the given axes."""

from __future__ import annotations

from lamina import ops
from lamina.layers.arguments import check_axes_in_range, require_axes
from lamina.layers.layer import Layer


class UnitNormalization(Layer):
    """``x / max(||x||_2, 1e-12)`` over ``axis`` (an int or a list of ints); no weights.

    >>> UnitNormalization()(np.array([[3.0, 4.0]]))  # [[0.6, 0.8]]
    """

    def __init__(self, axis=-1, **kwargs):
        super().__init__(**kwargs)
        self._axes = require_axes(type(self).__name__, axis)
        self.axis = list(axis) if isinstance(axis, (list, tuple)) else axis
        self.supports_masking = True
        self.built = True  # nothing to build

    def call(self, inputs):
        return ops.normalize(inputs, axis=self._axes, order=2, epsilon=1e-12)

    def compute_output_shape(self, input_shape):
        check_axes_in_range(self.name, self._axes, input_shape)
        return input_shape

    def get_config(self) -> dict:
        return {**super().get_config(), "axis": self.axis}
