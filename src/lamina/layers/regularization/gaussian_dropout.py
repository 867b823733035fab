"""GaussianDropout: multiplies inputs by 1-centred Gaussian noise while training."""

from __future__ import annotations

import math

from lamina import backend, ops
from lamina.layers.layer import Layer
from lamina.layers.regularization.gaussian_noise import check_unit_interval


class GaussianDropout(Layer):
    """``inputs * noise`` with ``noise ~ N(1, rate / (1 - rate))`` (the variance matching
    Dropout of ``rate``), only with ``training=True``; draws come from the layer's seed
    generator (``seed`` makes them repeat).
    """

    def __init__(self, rate, seed=None, **kwargs):
        super().__init__(**kwargs)
        self.rate = check_unit_interval("GaussianDropout", "rate", rate)
        self.seed = seed
        if rate > 0:
            self.seed_generator = backend.SeedGenerator(seed)
        self.supports_masking = True
        self.built = True  # no weights

    def call(self, inputs, training=False):
        if not training or self.rate == 0:
            return inputs
        if self.rate == 1:
            raise ValueError(
                f"Layer {self.name!r}: rate=1 gives noise of infinite variance; use a rate "
                "below 1 when training."
            )
        stddev = math.sqrt(self.rate / (1.0 - self.rate))
        noise = ops.random.normal(
            ops.shape(inputs), mean=1.0, stddev=stddev, dtype=self.compute_dtype,
            seed=self.seed_generator,
        )  # fmt: skip
        return inputs * noise

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self) -> dict:
        return {**super().get_config(), "rate": self.rate, "seed": self.seed}
