"""Masking: marks the time steps whose features all equal ``mask_value`` as padding."""

from __future__ import annotations

from lamina import ops
from lamina.layers.layer import Layer


class Masking(Layer):
    """Masks the steps of a ``(batch, steps, features)`` input that are all ``mask_value``.

    The output is the input with masked steps set to 0, and carries the boolean mask
    ``(batch, steps)`` (True = keep) for the layers after it, as Keras's ``Masking``.

    >>> x = np.array([[[1.0], [0.0], [2.0]]])
    >>> Masking()(x)._keras_mask  # [[True, False, True]]
    """

    def __init__(self, mask_value=0.0, **kwargs):
        super().__init__(**kwargs)
        self.mask_value = mask_value
        self.supports_masking = True

    def _keep(self, inputs, keepdims: bool):
        return ops.any(ops.not_equal(inputs, self.mask_value), axis=-1, keepdims=keepdims)

    def call(self, inputs):
        keep = self._keep(inputs, keepdims=True)  # (..., steps, 1)
        return ops.multiply(inputs, ops.cast(keep, ops.dtype(inputs)))

    def compute_mask(self, inputs, mask=None):
        return self._keep(inputs, keepdims=False)  # (..., steps): the incoming mask is replaced

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self) -> dict:
        return {**super().get_config(), "mask_value": self.mask_value}
