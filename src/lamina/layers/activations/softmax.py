"""Softmax: normalises logits into probabilities along an axis, honouring a mask."""

from __future__ import annotations

from lamina import backend, ops
from lamina.layers.layer import Layer


def _large_negative_number(dtype) -> float:
    """A logit whose exponential underflows to 0 but which stays finite in ``dtype``."""
    return -3e4 if backend.standardize_dtype(dtype) == "float16" else -1e9


def _check_mask_broadcasts(inputs, mask) -> None:
    inputs_shape, mask_shape = tuple(inputs.shape), tuple(mask.shape)
    compatible = len(mask_shape) <= len(inputs_shape) and all(
        mask_dim in (None, 1, input_dim) or input_dim is None
        for mask_dim, input_dim in zip(mask_shape[::-1], inputs_shape[::-1])
    )
    if not compatible:
        raise ValueError(
            "The Softmax mask must broadcast to the inputs (each mask axis 1 or the input's "
            f"size, and no more axes); received inputs.shape={inputs_shape}, "
            f"mask.shape={mask_shape}."
        )


class Softmax(Layer):
    """``exp(x - max(x)) / sum(exp(x - max(x)))`` along ``axis`` (an int or list of ints).

    Call with ``mask`` (broadcastable to ``inputs``; True or > 0.5 keeps a position) to give
    masked positions zero probability. A fully masked slice gives all zeros, as in Keras.

    >>> Softmax()(np.array([1.0, 2.0, 1.0]), mask=np.array([True, False, True]))
    # [0.5, 0.0, 0.5]
    """

    def __init__(self, axis=-1, **kwargs):
        super().__init__(**kwargs)
        self.axis = axis
        self.supports_masking = True

    def call(self, inputs, mask=None):
        if mask is not None:
            if not hasattr(mask, "shape"):  # a nested list
                mask = ops.convert_to_tensor(mask)
            _check_mask_broadcasts(inputs, mask)
            if ops.dtype(mask) != "bool":
                mask = ops.greater(mask, 0.5)
            inputs = ops.where(mask, inputs, _large_negative_number(ops.dtype(inputs)))
        if isinstance(self.axis, (list, tuple)) and len(self.axis) > 1:
            axis = tuple(self.axis)
            outputs = ops.exp(ops.subtract(inputs, ops.logsumexp(inputs, axis=axis, keepdims=True)))
        else:
            axis = self.axis[0] if isinstance(self.axis, (list, tuple)) else self.axis
            outputs = ops.softmax(inputs, axis=axis)
        if mask is not None:
            # A fully masked slice would otherwise come out uniform (Keras zeroes it too).
            outputs = ops.where(mask, outputs, ops.zeros_like(outputs))
        return outputs

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self) -> dict:
        return {**super().get_config(), "axis": self.axis}
