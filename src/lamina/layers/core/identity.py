"""Identity: returns its input unchanged; a placeholder in a model."""

from __future__ import annotations

from lamina.backend.common import tree
from lamina.layers.layer import Layer


class Identity(Layer):
    """Returns its input (a tensor or a nest of tensors) unchanged."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.supports_masking = True

    def call(self, inputs):
        if tree.is_nested(inputs):
            return tree.map_structure(lambda x: x, inputs)
        return inputs

    def compute_output_shape(self, input_shape):
        return input_shape
