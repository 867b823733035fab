"""Cropping1D: removes steps from the start and end of a sequence."""

from __future__ import annotations

from lamina.layers.input_spec import InputSpec
from lamina.layers.layer import Layer
from lamina.layers.reshaping.edge_widths import standardize_edge_widths


class Cropping1D(Layer):
    """Crops the steps axis of ``(batch, steps, features)``.

    Args:
        cropping: an int (steps cut at both ends) or ``(start, end)``.

    >>> Cropping1D((1, 2))(np.ones((2, 6, 4))).shape
    (2, 3, 4)
    """

    def __init__(self, cropping=(1, 1), **kwargs):
        super().__init__(**kwargs)
        (self.cropping,) = standardize_edge_widths(cropping, 1, "cropping")
        self.input_spec = InputSpec(ndim=3)

    def call(self, inputs):
        self.compute_output_shape(tuple(inputs.shape))  # a clear error before slicing to nothing
        start, end = self.cropping
        return inputs[:, start : -end if end else None, :]

    def compute_output_shape(self, input_shape):
        steps = input_shape[1]
        if steps is not None:
            steps -= sum(self.cropping)
            if steps <= 0:
                raise ValueError(
                    f"Layer {self.name!r}: cropping={self.cropping} removes all "
                    f"{input_shape[1]} steps of input_shape={tuple(input_shape)}."
                )
        return (input_shape[0], steps, input_shape[2])

    def get_config(self) -> dict:
        return {**super().get_config(), "cropping": self.cropping}
