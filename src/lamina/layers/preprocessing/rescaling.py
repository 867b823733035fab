"""Rescaling: ``inputs * scale + offset``, e.g. pixel values from [0, 255] to [0, 1]."""

from __future__ import annotations

from lamina import ops
from lamina.layers.layer import Layer
from lamina.serialization import deserialize_keras_object, serialize_keras_object


class Rescaling(Layer):
    """Multiplies inputs by ``scale`` and adds ``offset``, in the layer's compute dtype.

    ``scale`` and ``offset`` are floats or lists broadcast against the trailing axes
    (one value per channel). ``Rescaling(1 / 127.5, offset=-1)`` maps [0, 255] to [-1, 1].
    """

    def __init__(self, scale, offset=0.0, **kwargs):
        super().__init__(**kwargs)
        self.scale = scale
        self.offset = offset
        self.supports_masking = True

    def call(self, inputs):
        dtype = self.compute_dtype
        scale = ops.convert_to_tensor(self.scale, dtype=dtype)
        offset = ops.convert_to_tensor(self.offset, dtype=dtype)
        return ops.add(ops.multiply(ops.cast(inputs, dtype), scale), offset)

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self) -> dict:
        return {
            **super().get_config(),
            "scale": serialize_keras_object(self.scale),
            "offset": serialize_keras_object(self.offset),
        }

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        for key in ("scale", "offset"):
            if isinstance(config.get(key), dict):
                config[key] = deserialize_keras_object(config[key])
        return super().from_config(config)
