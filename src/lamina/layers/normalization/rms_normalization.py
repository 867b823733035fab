"""RMSNormalization: scales each sample by the inverse root mean square of its features."""

from __future__ import annotations

from lamina import ops
from lamina.layers.arguments import check_axes_in_range, require_axes
from lamina.layers.layer import Layer


class RMSNormalization(Layer):
    """``x * rsqrt(mean(square(x), axis) + epsilon) * scale`` (Zhang & Sennrich, 2019).

    No centering, unlike LayerNormalization. One weight, ``scale`` (initialized to ones),
    spans the sizes of the ``axis`` axes.

    >>> RMSNormalization()(np.random.rand(2, 10)).shape  # (2, 10)
    """

    def __init__(self, axis=-1, epsilon=1e-6, **kwargs):
        super().__init__(**kwargs)
        self._axes = require_axes(type(self).__name__, axis)
        self.axis = list(axis) if isinstance(axis, (list, tuple)) else axis
        self.epsilon = epsilon

    def build(self, input_shape):
        check_axes_in_range(self.name, self._axes, input_shape)
        axes = sorted(a % len(input_shape) for a in self._axes)
        shape = tuple(input_shape[a] for a in axes)
        if None in shape:
            raise ValueError(
                f"Layer {self.name!r} needs known sizes on axes {self.axis}; received "
                f"input_shape={tuple(input_shape)}."
            )
        self.scale = self.add_weight(name="scale", shape=shape, initializer="ones")

    def call(self, inputs):
        return ops.rms_normalization(inputs, scale=self._broadcast_scale(inputs),
                                     axis=self._axes, epsilon=self.epsilon)  # fmt: skip

    def _broadcast_scale(self, inputs):
        # scale spans the (sorted) normalized axes: give it size-1 axes elsewhere.
        ndim = len(ops.shape(inputs))
        axes = sorted(a % ndim for a in self._axes)
        if axes == list(range(ndim - len(axes), ndim)):
            return self.scale  # trailing axes broadcast as they are
        shape = [ops.shape(inputs)[i] if i in axes else 1 for i in range(ndim)]
        return ops.reshape(self.scale, shape)

    def compute_output_shape(self, input_shape):
        check_axes_in_range(self.name, self._axes, input_shape)
        return input_shape

    def get_config(self) -> dict:
        return {**super().get_config(), "axis": self.axis, "epsilon": self.epsilon}
