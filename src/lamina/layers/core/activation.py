"""Activation: applies an activation function element-wise."""

from __future__ import annotations

from lamina import activations
from lamina.layers.layer import Layer


class Activation(Layer):
    """Applies ``activation`` (a name such as ``"relu"`` or a callable) to its input.

    >>> Activation("relu")(np.array([-1.0, 2.0]))  # [0.0, 2.0]
    """

    def __init__(self, activation, **kwargs):
        super().__init__(**kwargs)
        self.supports_masking = True
        self.activation = activations.get(activation)

    def call(self, inputs):
        return self.activation(inputs)

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self) -> dict:
        return {**super().get_config(), "activation": activations.serialize(self.activation)}
