"""Hinge losses for -1/1 (or 0/1) labels and scores."""

from __future__ import annotations

from lamina import ops
from lamina.losses.loss import LossFunctionWrapper, check_broadcastable


def _to_signed_labels(y_true):
    """0/1 labels become -1/1, as Keras does; other labels are kept. No host sync: the test
    "are all labels binary" stays a device scalar."""
    is_binary = ops.all(ops.logical_or(ops.equal(y_true, 0), ops.equal(y_true, 1)))
    return ops.where(is_binary, 2.0 * y_true - 1.0, y_true)


def _prepare(name, y_true, y_pred):
    y_pred = ops.convert_to_tensor(y_pred)
    y_true = ops.cast(y_true, ops.dtype(y_pred))
    check_broadcastable(name, y_true, y_pred)
    return y_true, y_pred


def hinge(y_true, y_pred):
    """mean(max(1 - y_true * y_pred, 0), axis=-1)."""
    y_true, y_pred = _prepare("hinge", y_true, y_pred)
    margins = 1.0 - _to_signed_labels(y_true) * y_pred
    return ops.mean(ops.maximum(margins, 0.0), axis=-1)


def squared_hinge(y_true, y_pred):
    """mean(max(1 - y_true * y_pred, 0) ** 2, axis=-1)."""
    y_true, y_pred = _prepare("squared_hinge", y_true, y_pred)
    margins = 1.0 - _to_signed_labels(y_true) * y_pred
    return ops.mean(ops.square(ops.maximum(margins, 0.0)), axis=-1)


def categorical_hinge(y_true, y_pred):
    """max(max((1 - y_true) * y_pred) - sum(y_true * y_pred) + 1, 0) over the last axis."""
    y_true, y_pred = _prepare("categorical_hinge", y_true, y_pred)
    positive = ops.sum(y_true * y_pred, axis=-1)
    negative = ops.max((1.0 - y_true) * y_pred, axis=-1)
    return ops.maximum(negative - positive + 1.0, 0.0)


class Hinge(LossFunctionWrapper):
    """``mean(max(1 - y_true * y_pred, 0))`` with -1/1 labels (0/1 are converted)."""

    def __init__(self, reduction="sum_over_batch_size", name="hinge", dtype=None):
        super().__init__(hinge, name=name, reduction=reduction, dtype=dtype)


class SquaredHinge(LossFunctionWrapper):
    """``mean(max(1 - y_true * y_pred, 0) ** 2)`` with -1/1 labels (0/1 are converted)."""

    def __init__(self, reduction="sum_over_batch_size", name="squared_hinge", dtype=None):
        super().__init__(squared_hinge, name=name, reduction=reduction, dtype=dtype)


class CategoricalHinge(LossFunctionWrapper):
    """Hinge on the margin between the true class's score and the best other score."""

    def __init__(self, reduction="sum_over_batch_size", name="categorical_hinge", dtype=None):
        super().__init__(categorical_hinge, name=name, reduction=reduction, dtype=dtype)
