"""BaseZeroPadding: adds zeros at both ends of each spatial axis (ZeroPadding2D, 3D)."""

from __future__ import annotations

from lamina import backend, ops
from lamina.layers.convolutional.sliding_window import spatial_axes
from lamina.layers.input_spec import InputSpec
from lamina.layers.layer import Layer
from lamina.layers.reshaping.edge_widths import standardize_edge_widths


class BaseZeroPadding(Layer):
    """Pads spatial axis ``i`` with ``padding[i] = (start, end)`` zeros."""

    def __init__(self, rank, padding, data_format=None, **kwargs):
        super().__init__(**kwargs)
        self.rank = rank
        self.padding = standardize_edge_widths(padding, rank, "padding")
        self.data_format = backend.standardize_data_format(data_format)
        self.input_spec = InputSpec(ndim=rank + 2)

    def call(self, inputs):
        if self.data_format == "channels_last":
            return ops.pad(inputs, ((0, 0), *self.padding, (0, 0)))
        return ops.pad(inputs, ((0, 0), (0, 0), *self.padding))

    def compute_output_shape(self, input_shape):
        output_shape = list(input_shape)
        for axis, widths in zip(spatial_axes(self.rank, self.data_format), self.padding):
            if output_shape[axis] is not None:
                output_shape[axis] += sum(widths)
        return tuple(output_shape)

    def get_config(self) -> dict:
        return {**super().get_config(), "padding": self.padding, "data_format": self.data_format}
