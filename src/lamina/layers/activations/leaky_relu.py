"""LeakyReLU: ``x`` for positive inputs, ``negative_slope * x`` for negative ones."""

from __future__ import annotations

import warnings

from lamina import ops
from lamina.layers.layer import Layer


class LeakyReLU(Layer):
    """``x if x >= 0 else negative_slope * x``, with ``negative_slope >= 0``.

    The layer's default slope is 0.3 (the ``leaky_relu`` activation's is 0.2), as in Keras.
    """

    def __init__(self, negative_slope=0.3, **kwargs):
        if "alpha" in kwargs:  # Keras 2's name, still accepted (with a warning) by Keras 3
            negative_slope = kwargs.pop("alpha")
            warnings.warn("Argument `alpha` is deprecated. Use `negative_slope` instead.")
        if negative_slope is None or negative_slope < 0:
            raise ValueError(
                "negative_slope of a LeakyReLU layer must be a number >= 0; "
                f"received negative_slope={negative_slope!r}."
            )
        super().__init__(**kwargs)
        self.negative_slope = negative_slope
        self.supports_masking = True

    def call(self, inputs):
        return ops.leaky_relu(inputs, negative_slope=self.negative_slope)

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self) -> dict:
        return {**super().get_config(), "negative_slope": self.negative_slope}
