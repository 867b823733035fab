"""TimeDistributed: applies one layer to every timestep (axis 1) of its input."""

from __future__ import annotations

import inspect

from lamina import backend, ops
from lamina.backend.common import tree
from lamina.layers.core.wrapper import Wrapper
from lamina.layers.layer import Layer


class TimeDistributed(Wrapper):
    """Runs ``layer`` on each slice ``inputs[:, t]`` with the same weights.

    Inputs are ``(batch, time, ...)`` (rank >= 3). The slices are folded into the batch,
    ``(batch * time, ...)``, so the layer runs once per call rather than once per step; a
    ``(batch, time, ...)`` mask is folded alike and passed to a layer whose ``call`` takes
    one. The output keeps the input's mask.

    >>> TimeDistributed(Dense(8))(np.random.rand(2, 5, 3)).shape  # (2, 5, 8)
    """

    def __init__(self, layer, **kwargs):
        if not isinstance(layer, Layer):
            raise ValueError(
                "TimeDistributed wraps a Layer instance; received layer="
                f"{layer!r} of type {type(layer).__name__}."
            )
        super().__init__(layer, **kwargs)
        self.supports_masking = True

    def _child_input_shape(self, input_shape):
        if not isinstance(input_shape, (tuple, list)) or len(input_shape) < 3:
            raise ValueError(
                f"Layer {self.name!r} (TimeDistributed) needs inputs of rank >= 3, "
                f"(batch, time, ...); received input_shape={input_shape}."
            )
        return (input_shape[0], *input_shape[2:])

    def build(self, input_shape):
        super().build(self._child_input_shape(tuple(input_shape)))

    def compute_output_shape(self, input_shape):
        child_output_shape = self.layer.compute_output_shape(self._child_input_shape(input_shape))
        return (child_output_shape[0], input_shape[1], *child_output_shape[1:])

    def call(self, inputs, training=None, mask=None):
        shape = ops.shape(inputs)
        self._child_input_shape(shape)
        batch, steps = shape[0], shape[1]
        kwargs = {}
        parameters = inspect.signature(self.layer.call).parameters
        if "training" in parameters and training is not None:
            kwargs["training"] = training
        if mask is not None and "mask" in parameters:
            kwargs["mask"] = self._fold_mask(mask, shape)
        folded = ops.reshape(inputs, (batch * steps, *shape[2:]))  # (batch * time, ...)
        outputs = self.layer(folded, **kwargs)
        return tree.map_structure(
            lambda x: self._in_compute_dtype(ops.reshape(x, (batch, steps, *ops.shape(x)[1:]))),
            outputs,
        )

    def _in_compute_dtype(self, x):
        # As Keras (whose wrapped layer computes inside this layer's autocast scope): floating
        # outputs come in this layer's compute dtype, whatever the wrapped layer's policy.
        dtype = backend.standardize_dtype(x.dtype)
        if dtype == self.compute_dtype or not backend.is_float_dtype(dtype):
            return x
        return ops.cast(x, self.compute_dtype)

    def _fold_mask(self, mask, input_shape):
        mask_shape = ops.shape(mask)
        if len(mask_shape) < 2 or tuple(mask_shape[:2]) != tuple(input_shape[:2]):
            raise ValueError(
                f"Layer {self.name!r}: the mask must start with the input's (batch, time) = "
                f"{tuple(input_shape[:2])}; received a mask of shape {tuple(mask_shape)}."
            )
        return ops.reshape(mask, (mask_shape[0] * mask_shape[1], *mask_shape[2:]))
