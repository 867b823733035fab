"""Reshape: gives each sample a new shape, keeping the batch axis."""

from __future__ import annotations

import math

from lamina import ops
from lamina.layers.layer import Layer


def resolve_target_shape(input_shape, target_shape, layer_name: str) -> tuple:
    """Fill the one ``-1`` of ``target_shape`` from ``input_shape`` (``None`` if unknown)."""
    unknown = [i for i, d in enumerate(target_shape) if d == -1]
    known_size = math.prod(d for d in target_shape if d != -1)
    if any(d is None for d in input_shape):
        if unknown:
            return tuple(None if d == -1 else d for d in target_shape)
        return tuple(target_shape)
    input_size = math.prod(input_shape)
    if unknown:
        if known_size == 0 or input_size % known_size:
            raise ValueError(
                f"Layer {layer_name!r} cannot reshape a sample of shape {tuple(input_shape)} "
                f"({input_size} values) to target_shape={tuple(target_shape)}: {input_size} is "
                f"not a multiple of {known_size}."
            )
        return tuple(input_size // known_size if d == -1 else d for d in target_shape)
    if known_size != input_size:
        raise ValueError(
            f"Layer {layer_name!r} cannot reshape a sample of shape {tuple(input_shape)} "
            f"({input_size} values) to target_shape={tuple(target_shape)} ({known_size} values)."
        )
    return tuple(target_shape)


class Reshape(Layer):
    """Reshapes ``(batch, ...)`` to ``(batch, *target_shape)``; one entry may be ``-1``.

    >>> Reshape((-1, 2))(np.zeros((8, 3, 4))).shape  # (8, 6, 2)
    """

    def __init__(self, target_shape, **kwargs):
        super().__init__(**kwargs)
        if isinstance(target_shape, int):
            target_shape = (target_shape,)
        try:
            target_shape = tuple(target_shape)
        except TypeError:
            raise ValueError(
                f"target_shape must be a tuple of integers; received target_shape={target_shape!r}."
            ) from None
        if any(
            isinstance(d, bool) or not isinstance(d, int) or (d <= 0 and d != -1)
            for d in target_shape
        ):
            raise ValueError(
                "target_shape must hold positive integers and at most one -1; received "
                f"target_shape={target_shape!r}."
            )
        if target_shape.count(-1) > 1:
            raise ValueError(
                "target_shape may hold at most one -1 (an unknown dimension); received "
                f"target_shape={target_shape!r}."
            )
        self.target_shape = target_shape

    def build(self, input_shape):
        resolve_target_shape(tuple(input_shape)[1:], self.target_shape, self.name)  # fail early
        self.built = True

    def call(self, inputs):
        input_shape = ops.shape(inputs)
        sample_shape = resolve_target_shape(input_shape[1:], self.target_shape, self.name)
        return ops.reshape(inputs, (input_shape[0], *sample_shape))

    def compute_output_shape(self, input_shape):
        input_shape = tuple(input_shape)
        return (
            input_shape[0],
            *resolve_target_shape(input_shape[1:], self.target_shape, self.name),
        )

    def get_config(self) -> dict:
        return {**super().get_config(), "target_shape": self.target_shape}
