"""AlphaDropout: dropout that keeps the mean and variance of SELU activations."""

from __future__ import annotations

from lamina import backend, ops
from lamina.layers.layer import Layer
from lamina.layers.regularization.gaussian_noise import check_unit_interval

# SELU's constants (Klambauer et al., 2017); dropped units take SELU's saturation value.
_ALPHA = 1.6732632423543772848170429916717
_SCALE = 1.0507009873554804934193349852946


class AlphaDropout(Layer):
    """Sets a fraction ``rate`` of inputs to ``-alpha * scale`` (SELU's negative limit),
    then applies the affine map ``a * x + b`` that restores zero mean and unit variance.
    Only with ``training=True``; ``noise_shape`` shares the keep/drop draw along axes of
    size 1 (``None`` entries take the input's size).
    """

    def __init__(self, rate, noise_shape=None, seed=None, **kwargs):
        super().__init__(**kwargs)
        self.rate = check_unit_interval("AlphaDropout", "rate", rate)
        self.noise_shape = None if noise_shape is None else tuple(noise_shape)
        self.seed = seed
        if rate > 0:
            self.seed_generator = backend.SeedGenerator(seed)
        self.supports_masking = True
        self.built = True  # no weights

    def call(self, inputs, training=False):
        if not training or self.rate == 0:
            return inputs
        saturation = -_ALPHA * _SCALE
        uniform = ops.random.uniform(self._noise_shape(inputs), seed=self.seed_generator)
        kept = ops.cast(ops.greater_equal(uniform, self.rate), ops.dtype(inputs))
        a = ((1 - self.rate) * (1 + self.rate * saturation**2)) ** -0.5
        b = -a * saturation * self.rate
        dropped = inputs * kept + saturation * (1 - kept)
        return a * dropped + b

    def _noise_shape(self, inputs):
        shape = ops.shape(inputs)
        if self.noise_shape is None:
            return shape
        if len(self.noise_shape) != len(shape):
            raise ValueError(
                f"Layer {self.name!r}: noise_shape={self.noise_shape} must have one entry per "
                f"input axis; received an input of shape {tuple(shape)}."
            )
        return tuple(
            size if noise is None else noise for noise, size in zip(self.noise_shape, shape)
        )

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self) -> dict:
        return {
            **super().get_config(),
            "rate": self.rate,
            "seed": self.seed,
            "noise_shape": None if self.noise_shape is None else list(self.noise_shape),
        }
