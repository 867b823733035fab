"""BaseCropping: removes positions at both ends of each spatial axis (Cropping2D, 3D)."""

from __future__ import annotations

from lamina import backend
from lamina.layers.convolutional.sliding_window import spatial_axes
from lamina.layers.input_spec import InputSpec
from lamina.layers.layer import Layer
from lamina.layers.reshaping.edge_widths import standardize_edge_widths


class BaseCropping(Layer):
    """Crops ``cropping[i] = (start, end)`` positions from spatial axis ``i``."""

    def __init__(self, rank, cropping, data_format=None, **kwargs):
        super().__init__(**kwargs)
        self.rank = rank
        self.cropping = standardize_edge_widths(cropping, rank, "cropping")
        self.data_format = backend.standardize_data_format(data_format)
        self.input_spec = InputSpec(ndim=rank + 2)

    def call(self, inputs):
        self.compute_output_shape(tuple(inputs.shape))  # a clear error before slicing to nothing
        key = [slice(None)] * (self.rank + 2)
        for axis, (start, end) in zip(spatial_axes(self.rank, self.data_format), self.cropping):
            key[axis] = slice(start, -end if end else None)
        return inputs[tuple(key)]

    def compute_output_shape(self, input_shape):
        output_shape = list(input_shape)
        for axis, widths in zip(spatial_axes(self.rank, self.data_format), self.cropping):
            if output_shape[axis] is None:
                continue
            output_shape[axis] -= sum(widths)
            if output_shape[axis] <= 0:
                raise ValueError(
                    f"Layer {self.name!r}: cropping={self.cropping} removes every row or "
                    f"column of input_shape={tuple(input_shape)} ({self.data_format})."
                )
        return tuple(output_shape)

    def get_config(self) -> dict:
        return {**super().get_config(), "cropping": self.cropping, "data_format": self.data_format}
