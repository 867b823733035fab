"""ZeroPadding1D: adds zero steps at the start and end of a sequence."""

from __future__ import annotations

from lamina import backend, ops
from lamina.layers.input_spec import InputSpec
from lamina.layers.layer import Layer
from lamina.layers.reshaping.edge_widths import standardize_edge_widths


class ZeroPadding1D(Layer):
    """Pads the steps axis of ``(batch, steps, features)`` with zeros.

    Args:
        padding: an int (zeros at both ends) or ``(start, end)``.

    >>> ZeroPadding1D((1, 2))(np.ones((2, 3, 4))).shape
    (2, 6, 4)
    """

    def __init__(self, padding=1, data_format=None, **kwargs):
        super().__init__(**kwargs)
        (self.padding,) = standardize_edge_widths(padding, 1, "padding")
        self.data_format = backend.standardize_data_format(data_format)
        self.input_spec = InputSpec(ndim=3)

    def call(self, inputs):
        steps_axis = 1 if self.data_format == "channels_last" else 2
        pad_width = [(0, 0)] * 3
        pad_width[steps_axis] = self.padding
        return ops.pad(inputs, pad_width)

    def compute_output_shape(self, input_shape):
        output_shape = list(input_shape)
        steps_axis = 1 if self.data_format == "channels_last" else 2
        if output_shape[steps_axis] is not None:
            output_shape[steps_axis] += sum(self.padding)
        return tuple(output_shape)

    def get_config(self) -> dict:
        return {**super().get_config(), "padding": self.padding, "data_format": self.data_format}
