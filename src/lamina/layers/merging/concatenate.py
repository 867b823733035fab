"""Concatenate: joins a list of tensors along one axis."""

from __future__ import annotations

from lamina import ops
from lamina.layers.merging.base_merge import Merge, check_shape_list


class Concatenate(Merge):
    """Concatenates a list of tensors along ``axis``; other axes must match.

    >>> Concatenate()([np.ones((2, 3)), np.ones((2, 4))]).shape  # (2, 7)
    """

    def __init__(self, axis=-1, **kwargs):
        super().__init__(**kwargs)
        if isinstance(axis, bool) or not isinstance(axis, int):
            raise TypeError(f"axis must be an int; received axis={axis!r}.")
        self.axis = axis

    def call(self, inputs):
        if not isinstance(inputs, (list, tuple)):
            check_shape_list(self, ops.shape(inputs))  # raises: a single tensor, not a list
        self.compute_output_shape([ops.shape(x) for x in inputs])
        return ops.concatenate(list(inputs), axis=self.axis)

    def compute_output_shape(self, input_shape):
        shapes = check_shape_list(self, input_shape)
        mismatch = ValueError(
            f"A `Concatenate` layer (name {self.name!r}) requires inputs with matching shapes "
            f"except for the concatenation axis {self.axis}. Received: input_shape={shapes}"
        )
        ndim = len(shapes[0])
        if any(len(shape) != ndim for shape in shapes):
            raise mismatch
        if not -ndim <= self.axis < ndim:
            raise ValueError(
                f"Layer {self.name!r}: axis={self.axis} is out of range for inputs of rank {ndim}."
            )
        axis = self.axis % ndim
        output_shape = []
        for i in range(ndim):
            dims = [shape[i] for shape in shapes]
            if i == axis:
                output_shape.append(None if None in dims else sum(dims))
                continue
            known = {d for d in dims if d is not None}
            if len(known) > 1:
                raise mismatch
            output_shape.append(known.pop() if known else None)
        return tuple(output_shape)

    def compute_mask(self, inputs, mask=None):
        if mask is None:
            return None
        if not isinstance(mask, (list, tuple)) or len(mask) != len(inputs):
            raise ValueError(
                f"Layer {self.name!r}: `mask` should be a list with one entry per input "
                f"({len(inputs)}). Received: mask={mask}"
            )
        if all(m is None for m in mask):
            return None
        masks = []
        for x, m in zip(inputs, mask):
            if m is None:
                m = ops.ones_like(x, dtype="bool")
            elif len(ops.shape(m)) < len(ops.shape(x)):
                # A per-timestep mask (batch, steps) covers every feature of its step.
                m = ops.broadcast_to(ops.expand_dims(m, axis=-1), ops.shape(x))
            masks.append(m)
        return ops.any(ops.concatenate(masks, axis=self.axis), axis=-1)  # as Keras 3

    def get_config(self) -> dict:
        return {**super().get_config(), "axis": self.axis}


def concatenate(inputs, axis=-1, **kwargs):
    """Functional form of `Concatenate`: ``Concatenate(axis=axis, **kwargs)(inputs)``."""
    return Concatenate(axis=axis, **kwargs)(inputs)
