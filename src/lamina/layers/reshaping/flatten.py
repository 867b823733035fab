"""Flatten: collapses every axis but the batch axis into one."""

from __future__ import annotations

import math

from lamina import backend, ops
from lamina.layers.input_spec import InputSpec
from lamina.layers.layer import Layer


class Flatten(Layer):
    """Reshapes ``(batch, d1, d2, ...)`` to ``(batch, d1 * d2 * ...)``.

    With ``data_format="channels_first"`` the channel axis is moved last before
    flattening, as Keras does, so the features come out in channels_last order and a
    model's Dense weights work in either layout.
    """

    def __init__(self, data_format=None, **kwargs):
        super().__init__(**kwargs)
        self.data_format = backend.standardize_data_format(data_format)
        self.input_spec = InputSpec(min_ndim=1)

    def call(self, inputs):
        input_shape = ops.shape(inputs)
        ndim = len(input_shape)
        if self.data_format == "channels_first" and ndim > 2:
            inputs = ops.transpose(inputs, axes=(0, *range(2, ndim), 1))  # (B, ..., C)
        output_shape = self.compute_output_shape(input_shape)
        return ops.reshape(inputs, tuple(-1 if d is None else d for d in output_shape))

    def compute_output_shape(self, input_shape):
        feature_dims = tuple(input_shape)[1:]
        if any(d is None for d in feature_dims):
            flat_dim = None
        else:
            flat_dim = math.prod(feature_dims)  # 1 for a (batch,) input, as Keras
        return (input_shape[0], flat_dim)

    def get_config(self) -> dict:
        return {**super().get_config(), "data_format": self.data_format}
