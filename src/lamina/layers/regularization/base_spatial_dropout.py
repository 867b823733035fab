"""BaseSpatialDropout: Dropout that drops whole feature maps (one draw per sample and channel)."""

from __future__ import annotations

from lamina import backend, ops
from lamina.dtype_policies import serialize as serialize_dtype_policy
from lamina.layers.input_spec import InputSpec
from lamina.layers.regularization.dropout import Dropout


class BaseSpatialDropout(Dropout):
    """Zeroes whole channels: the noise has shape ``(batch, 1, ..., 1, channels)`` (or
    ``(batch, channels, 1, ...)`` channels_first), scaled by ``1 / (1 - rate)``. Only with
    ``training=True``. Subclasses set ``spatial_rank``."""

    spatial_rank = 1

    def __init__(self, rate, data_format=None, seed=None, name=None, dtype=None):
        super().__init__(rate, seed=seed, name=name, dtype=dtype)
        self.data_format = backend.standardize_data_format(data_format)
        self.input_spec = InputSpec(ndim=self.spatial_rank + 2)

    def call(self, inputs, training=False):
        if not training or self.rate == 0:
            return inputs
        if self.rate == 1:
            return ops.zeros_like(inputs)  # the 1 / (1 - rate) scale would be a 0 / 0
        return ops.random.dropout(
            inputs, self.rate, noise_shape=self._spatial_noise_shape(inputs),
            seed=self.seed_generator,
        )  # fmt: skip

    def _spatial_noise_shape(self, inputs):
        shape = ops.shape(inputs)
        ones = (1,) * self.spatial_rank
        if self.data_format == "channels_first":
            return (shape[0], shape[1], *ones)
        return (shape[0], *ones, shape[-1])

    def get_config(self) -> dict:
        # Keras's keys exactly (its constructor takes no `trainable`): files stay loadable there.
        return {"rate": self.rate, "seed": self.seed, "name": self.name,
                "dtype": serialize_dtype_policy(self.dtype_policy)}  # fmt: skip
