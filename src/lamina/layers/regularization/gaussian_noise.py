"""GaussianNoise: adds zero-centred Gaussian noise to inputs while training."""

from __future__ import annotations

from lamina import backend, ops
from lamina.layers.layer import Layer


def check_unit_interval(layer: str, argument: str, value):
    """``value`` when it is a number in [0, 1]; else a ValueError naming the argument."""
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value <= 1:
        raise ValueError(
            f"{layer}: the argument '{argument}' must be a float between 0 and 1; received "
            f"{argument}={value!r}."
        )
    return value


class GaussianNoise(Layer):
    """``inputs + noise`` with ``noise ~ N(0, stddev**2)``, only with ``training=True``;
    draws come from the layer's seed generator (``seed`` makes them repeat). Keras limits
    ``stddev`` to [0, 1].
    """

    def __init__(self, stddev, seed=None, **kwargs):
        super().__init__(**kwargs)
        self.stddev = check_unit_interval("GaussianNoise", "stddev", stddev)
        self.seed = seed
        if stddev > 0:
            self.seed_generator = backend.SeedGenerator(seed)
        self.supports_masking = True
        self.built = True  # no weights

    def call(self, inputs, training=False):
        if not training or self.stddev == 0:
            return inputs
        noise = ops.random.normal(
            ops.shape(inputs), mean=0.0, stddev=self.stddev, dtype=self.compute_dtype,
            seed=self.seed_generator,
        )  # fmt: skip
        return inputs + noise

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self) -> dict:
        return {**super().get_config(), "stddev": self.stddev, "seed": self.seed}
