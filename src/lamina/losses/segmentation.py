"""Overlap losses for segmentation: Dice and Tversky (Salehi et al., 2017,
https://arxiv.org/abs/1706.05721). With ``axis=None`` they give one value for the batch."""

from __future__ import annotations

from lamina import backend, ops
from lamina.losses.loss import LossFunctionWrapper, check_broadcastable


def _prepare(name, y_true, y_pred, axis):
    y_pred = ops.convert_to_tensor(y_pred)
    y_true = ops.cast(y_true, ops.dtype(y_pred))
    check_broadcastable(name, y_true, y_pred)
    if isinstance(axis, list):  # a tuple that went through a JSON config
        axis = tuple(axis)
    return y_true, y_pred, axis


def dice(y_true, y_pred, axis=None):
    """``1 - 2 * sum(y_true * y_pred) / (sum(y_true) + sum(y_pred) + epsilon)``, the sums
    over ``axis`` (all axes when None)."""
    y_true, y_pred, axis = _prepare("dice", y_true, y_pred, axis)
    intersection = ops.sum(y_true * y_pred, axis=axis)
    total = ops.sum(y_true, axis=axis) + ops.sum(y_pred, axis=axis) + backend.epsilon()
    return 1.0 - ops.divide(2.0 * intersection, total)


def tversky(y_true, y_pred, alpha=0.5, beta=0.5, axis=None):
    """``1 - TP / (TP + alpha * sum((1 - y_pred) * y_true) + beta * sum(y_pred * (1 - y_true))
    + epsilon)`` over ``axis``; ``alpha = beta = 0.5`` gives the Dice loss.

    The two sums are weighted as Keras weights them (``alpha`` on missed positives).
    """
    y_true, y_pred, axis = _prepare("tversky", y_true, y_pred, axis)
    true_positives = ops.sum(y_true * y_pred, axis=axis)
    missed = ops.sum((1.0 - y_pred) * y_true, axis=axis)
    spurious = ops.sum(y_pred * (1.0 - y_true), axis=axis)
    denominator = true_positives + alpha * missed + beta * spurious + backend.epsilon()
    return 1.0 - ops.divide(true_positives, denominator)


class Dice(LossFunctionWrapper):
    """Dice loss, ``1 - 2|A ∩ B| / (|A| + |B|)``; ``axis`` (e.g. ``(1, 2, 3)``) keeps one
    value per sample."""

    def __init__(self, reduction="sum_over_batch_size", name="dice", axis=None, dtype=None):
        super().__init__(dice, name=name, reduction=reduction, dtype=dtype, axis=axis)
        self.axis = axis


class Tversky(LossFunctionWrapper):
    """Tversky loss: Dice with separate weights ``alpha`` and ``beta`` on the two kinds of
    error."""

    def __init__(
        self,
        alpha=0.5,
        beta=0.5,
        reduction="sum_over_batch_size",
        name="tversky",
        axis=None,
        dtype=None,
    ):
        super().__init__(
            tversky, name=name, reduction=reduction, dtype=dtype, alpha=alpha, beta=beta, axis=axis
        )
        self.alpha = alpha
        self.beta = beta
        self.axis = axis
