"""Gradient clipping by value, by each gradient's norm, and by the norm of all gradients."""

from __future__ import annotations

from lamina import ops


def clip_by_norm(gradient, clipnorm: float):
    """``gradient`` rescaled so that its L2 norm is at most ``clipnorm``."""
    norm = ops.sqrt(ops.sum(ops.square(gradient)))
    # norm / max(norm, clipnorm) is 1 below the threshold; a zero gradient stays zero.
    return ops.divide(ops.multiply(gradient, clipnorm), ops.maximum(norm, clipnorm))


def global_norm(gradients):
    """The L2 norm of all ``gradients`` taken together, as one scalar tensor."""
    squared_norms = [ops.sum(ops.square(gradient)) for gradient in gradients]
    return ops.sqrt(ops.sum(ops.stack(squared_norms)))


def clip_by_global_norm(gradients, clipnorm: float) -> list:
    """All ``gradients`` scaled by one factor so that their global norm is at most ``clipnorm``.

    A non-finite global norm makes every gradient NaN, as in Keras, so that a blown-up step is
    visible rather than silently rescaled to zero.
    """
    norm = global_norm(gradients)
    scale = ops.multiply(clipnorm, ops.minimum(ops.reciprocal(norm), 1.0 / clipnorm))
    scale = ops.add(scale, ops.subtract(norm, norm))  # inf - inf is NaN; finite norms add 0
    return [ops.multiply(gradient, ops.cast(scale, ops.dtype(gradient))) for gradient in gradients]


def clip_by_value(gradient, clipvalue: float):
    return ops.clip(gradient, -clipvalue, clipvalue)
