"""Dropout: zeroes a random fraction ``rate`` of its input during training."""

from __future__ import annotations

from lamina import backend, ops
from lamina.layers.layer import Layer


class Dropout(Layer):
    """Sets inputs to 0 with probability ``rate`` and scales the rest by ``1 / (1 - rate)``.

    Only active when called with ``training=True`` (``fit`` does this); otherwise the
    input passes through unchanged. ``noise_shape`` shares one mask along axes of size 1,
    e.g. ``(batch, 1, features)`` drops the same features at every timestep; ``None``
    entries take the input's size.
    """

    def __init__(self, rate, noise_shape=None, seed=None, **kwargs):
        super().__init__(**kwargs)
        if isinstance(rate, bool) or not isinstance(rate, (int, float)) or not 0 <= rate <= 1:
            raise ValueError(
                "Invalid value received for argument `rate`. Expected a float value between "
                f"0 and 1. Received: rate={rate!r}"
            )
        self.rate = rate
        self.noise_shape = None if noise_shape is None else tuple(noise_shape)
        self.seed = seed
        if rate > 0:
            self.seed_generator = backend.SeedGenerator(seed)
        self.supports_masking = True

    def call(self, inputs, training=False):
        if not training or self.rate == 0:
            return inputs
        if self.rate == 1:
            return ops.zeros_like(inputs)  # the engine's 1 / (1 - rate) would be a 0 / 0
        return ops.random.dropout(
            inputs, self.rate, noise_shape=self._noise_shape(inputs), seed=self.seed_generator
        )

    def _noise_shape(self, inputs):
        if self.noise_shape is None:
            return None
        input_shape = ops.shape(inputs)
        if len(self.noise_shape) != len(input_shape):
            raise ValueError(
                f"Layer {self.name!r}: noise_shape={self.noise_shape} must have one entry per "
                f"input axis; received an input of shape {tuple(input_shape)}."
            )
        return tuple(
            size if noise is None else noise for noise, size in zip(self.noise_shape, input_shape)
        )

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self) -> dict:
        return {
            **super().get_config(),
            "rate": self.rate,
            "seed": self.seed,
            "noise_shape": self.noise_shape,
        }
