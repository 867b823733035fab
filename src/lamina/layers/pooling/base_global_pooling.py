"""BaseGlobalPooling: reduce every spatial axis to one value per channel."""

from __future__ import annotations

from lamina import backend
from lamina.layers.convolutional.sliding_window import spatial_axes
from lamina.layers.input_spec import InputSpec
from lamina.layers.layer import Layer


class BaseGlobalPooling(Layer):
    """Output ``(batch, channels)``, or with ``keepdims=True`` the input's rank with every
    spatial axis of size 1."""

    def __init__(self, pool_dimensions, data_format=None, keepdims=False, **kwargs):
        super().__init__(**kwargs)
        self.data_format = backend.standardize_data_format(data_format)
        self.keepdims = keepdims
        self.pool_dimensions = pool_dimensions
        self.input_spec = InputSpec(ndim=pool_dimensions + 2)

    @property
    def _spatial_axes(self) -> tuple:
        return spatial_axes(self.pool_dimensions, self.data_format)

    def compute_output_shape(self, input_shape):
        input_shape = tuple(input_shape)
        axes = self._spatial_axes
        if self.keepdims:
            return tuple(1 if i in axes else d for i, d in enumerate(input_shape))
        return tuple(d for i, d in enumerate(input_shape) if i not in axes)

    def get_config(self) -> dict:
        return {
            **super().get_config(),
            "data_format": self.data_format,
            "keepdims": self.keepdims,
        }
