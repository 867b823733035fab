"""Activation: applies an activation function element-wise."""

from __future__ import annotations

from lamina import activations
from lamina.layers import in_place
from lamina.layers.layer import Layer

# Activations with an in-place form (layers/in_place.py): their ceiling.
_IN_PLACE_CEILINGS = {activations.relu: None, activations.relu6: 6.0}


class Activation(in_place.InPlaceCapable, Layer):
    """Applies ``activation`` (a name such as ``"relu"`` or a callable) to its input.

    >>> Activation("relu")(np.array([-1.0, 2.0]))  # [0.0, 2.0]
    """

    def __init__(self, activation, **kwargs):
        super().__init__(**kwargs)
        self.supports_masking = True
        self.activation = activations.get(activation)

    def call(self, inputs):
        if self.activation in _IN_PLACE_CEILINGS:
            overwritten = in_place.relu_in_place(inputs, _IN_PLACE_CEILINGS[self.activation])
            if overwritten is not None:
                return overwritten
        return self.activation(inputs)

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self) -> dict:
        return {**super().get_config(), "activation": activations.serialize(self.activation)}
