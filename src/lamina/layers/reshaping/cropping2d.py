"""Cropping2D: removes rows and columns at the edges of images."""

from __future__ import annotations

from lamina import backend
from lamina.layers.input_spec import InputSpec
from lamina.layers.layer import Layer
from lamina.layers.reshaping.edge_widths import standardize_edge_widths


class Cropping2D(Layer):
    """Crops the height and width of images.

    Args:
        cropping: an int (the same on all four sides), ``(height_crop, width_crop)``
            (symmetric per axis) or ``((top, bottom), (left, right))``.

    >>> Cropping2D(((1, 0), (2, 2)))(np.ones((1, 5, 6, 2))).shape
    (1, 4, 2, 2)
    """

    def __init__(self, cropping=((0, 0), (0, 0)), data_format=None, **kwargs):
        super().__init__(**kwargs)
        self.cropping = standardize_edge_widths(cropping, 2, "cropping")
        self.data_format = backend.standardize_data_format(data_format)
        self.input_spec = InputSpec(ndim=4)

    def _spatial_axes(self) -> tuple:
        return (1, 2) if self.data_format == "channels_last" else (2, 3)

    def call(self, inputs):
        self.compute_output_shape(tuple(inputs.shape))  # a clear error before slicing to nothing
        key = [slice(None)] * 4
        for axis, (start, end) in zip(self._spatial_axes(), self.cropping):
            key[axis] = slice(start, -end if end else None)
        return inputs[tuple(key)]

    def compute_output_shape(self, input_shape):
        output_shape = list(input_shape)
        for axis, widths in zip(self._spatial_axes(), self.cropping):
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
