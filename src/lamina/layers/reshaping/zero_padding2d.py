"""ZeroPadding2D: adds rows and columns of zeros around images."""

from __future__ import annotations

from lamina import backend, ops
from lamina.layers.input_spec import InputSpec
from lamina.layers.layer import Layer
from lamina.layers.reshaping.edge_widths import standardize_edge_widths


class ZeroPadding2D(Layer):
    """Pads the height and width of images with zeros.

    Args:
        padding: an int (the same on all four sides), ``(height_pad, width_pad)``
            (symmetric per axis) or ``((top, bottom), (left, right))``.

    >>> ZeroPadding2D(((1, 0), (2, 2)))(np.ones((1, 3, 3, 2))).shape
    (1, 4, 7, 2)
    """

    def __init__(self, padding=(1, 1), data_format=None, **kwargs):
        super().__init__(**kwargs)
        self.padding = standardize_edge_widths(padding, 2, "padding")
        self.data_format = backend.standardize_data_format(data_format)
        self.input_spec = InputSpec(ndim=4)

    def call(self, inputs):
        if self.data_format == "channels_last":
            return ops.pad(inputs, ((0, 0), *self.padding, (0, 0)))
        return ops.pad(inputs, ((0, 0), (0, 0), *self.padding))

    def compute_output_shape(self, input_shape):
        output_shape = list(input_shape)
        first = 1 if self.data_format == "channels_last" else 2
        for axis, widths in zip((first, first + 1), self.padding):
            if output_shape[axis] is not None:
                output_shape[axis] += sum(widths)
        return tuple(output_shape)

    def get_config(self) -> dict:
        return {**super().get_config(), "padding": self.padding, "data_format": self.data_format}
