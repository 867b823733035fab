"""Probabilistic losses: cross-entropies, Kullback-Leibler divergence, Poisson."""

from __future__ import annotations

import warnings

from lamina import backend, ops
from lamina.losses.loss import LossFunctionWrapper, check_broadcastable


def _check_axis(axis):
    if isinstance(axis, bool) or not isinstance(axis, int):
        raise ValueError(f"`axis` must be an int; received axis={axis!r}.")


def categorical_crossentropy(y_true, y_pred, from_logits=False, label_smoothing=0.0, axis=-1):
    """Cross-entropy of one-hot (or soft) targets ``y_true`` and predictions along ``axis``.

    ``label_smoothing`` in [0, 1] moves the targets towards uniform:
    ``y_true * (1 - label_smoothing) + label_smoothing / num_classes``.
    """
    _check_axis(axis)
    y_pred = ops.convert_to_tensor(y_pred)
    y_true = ops.cast(y_true, ops.dtype(y_pred))
    if y_pred.shape[-1] == 1:
        warnings.warn(
            "categorical_crossentropy expects y_pred of shape (batch_size, num_classes) with "
            f"num_classes > 1; received y_pred.shape={tuple(y_pred.shape)}. With two classes "
            "use binary_crossentropy.",
            SyntaxWarning,
            stacklevel=2,
        )
    if label_smoothing:
        num_classes = y_true.shape[axis]
        y_true = y_true * (1.0 - label_smoothing) + label_smoothing / num_classes
    return ops.categorical_crossentropy(y_true, y_pred, from_logits=from_logits, axis=axis)


def _squeeze_ids(y_true, y_pred, axis):
    """Ids given with a size-1 class axis (``(batch, 1)``) lose it, as in Keras."""
    if len(y_true.shape) == len(y_pred.shape) and y_true.shape[axis] == 1:
        return ops.squeeze(y_true, axis=axis)
    return y_true


def ignore_class_mask(y_true, y_pred, ignore_class, axis):
    """True where the id is not ``ignore_class``: the entries a loss or metric counts."""
    return ops.not_equal(_squeeze_ids(ops.convert_to_tensor(y_true), y_pred, axis), ignore_class)


def sparse_categorical_crossentropy(y_true, y_pred, from_logits=False, ignore_class=None, axis=-1):
    """Cross-entropy of integer class ids ``y_true`` and predictions along ``axis``.

    Entries whose id equals ``ignore_class`` give a loss of 0 (the ``Loss`` class also leaves
    them out of the mean).
    """
    _check_axis(axis)
    y_pred = ops.convert_to_tensor(y_pred)
    y_true = _squeeze_ids(ops.convert_to_tensor(y_true), y_pred, axis)
    if ignore_class is None:
        return ops.sparse_categorical_crossentropy(
            y_true, y_pred, from_logits=from_logits, axis=axis
        )
    valid = ops.not_equal(y_true, ignore_class)
    # Ignored ids become id 0 so that the gather stays in range; their loss is then zeroed.
    safe_ids = ops.where(valid, y_true, ops.zeros_like(y_true))
    losses = ops.sparse_categorical_crossentropy(
        safe_ids, y_pred, from_logits=from_logits, axis=axis
    )
    return ops.where(valid, losses, ops.zeros_like(losses))


def binary_crossentropy(y_true, y_pred, from_logits=False, label_smoothing=0.0, axis=-1):
    """Mean over ``axis`` of the element-wise binary cross-entropy.

    ``label_smoothing`` squeezes targets towards 0.5:
    ``y_true * (1 - label_smoothing) + 0.5 * label_smoothing``.
    """
    y_pred = ops.convert_to_tensor(y_pred)
    y_true = ops.cast(y_true, ops.dtype(y_pred))
    if label_smoothing:
        y_true = y_true * (1.0 - label_smoothing) + 0.5 * label_smoothing
    return ops.mean(ops.binary_crossentropy(y_true, y_pred, from_logits=from_logits), axis=axis)


def kl_divergence(y_true, y_pred):
    """sum(y_true * log(y_true / y_pred), axis=-1), both clipped to [epsilon, 1]."""
    y_pred = ops.convert_to_tensor(y_pred)
    y_true = ops.convert_to_tensor(y_true, dtype=ops.dtype(y_pred))
    check_broadcastable("kl_divergence", y_true, y_pred)
    y_true = ops.clip(y_true, backend.epsilon(), 1.0)
    y_pred = ops.clip(y_pred, backend.epsilon(), 1.0)
    return ops.sum(y_true * ops.log(y_true / y_pred), axis=-1)


def poisson(y_true, y_pred):
    """mean(y_pred - y_true * log(y_pred + epsilon), axis=-1)."""
    y_pred = ops.convert_to_tensor(y_pred)
    y_true = ops.convert_to_tensor(y_true, dtype=ops.dtype(y_pred))
    check_broadcastable("poisson", y_true, y_pred)
    return ops.mean(y_pred - y_true * ops.log(y_pred + backend.epsilon()), axis=-1)


class CategoricalCrossentropy(LossFunctionWrapper):
    """Cross-entropy for one-hot targets (``SparseCategoricalCrossentropy`` takes ids)."""

    def __init__(
        self,
        from_logits=False,
        label_smoothing=0.0,
        axis=-1,
        reduction="sum_over_batch_size",
        name="categorical_crossentropy",
        dtype=None,
    ):
        super().__init__(
            categorical_crossentropy,
            name=name,
            reduction=reduction,
            dtype=dtype,
            from_logits=from_logits,
            label_smoothing=label_smoothing,
            axis=axis,
        )
        self.from_logits = from_logits
        self.label_smoothing = label_smoothing
        self.axis = axis


class SparseCategoricalCrossentropy(LossFunctionWrapper):
    """Cross-entropy for integer class ids; ``ignore_class`` ids count for nothing."""

    def __init__(
        self,
        from_logits=False,
        ignore_class=None,
        reduction="sum_over_batch_size",
        axis=-1,
        name="sparse_categorical_crossentropy",
        dtype=None,
    ):
        _check_axis(axis)
        super().__init__(
            sparse_categorical_crossentropy,
            name=name,
            reduction=reduction,
            dtype=dtype,
            from_logits=from_logits,
            ignore_class=ignore_class,
            axis=axis,
        )
        self.from_logits = from_logits
        self.ignore_class = ignore_class
        self.axis = axis

    def call(self, y_true, y_pred):
        return self.fn(y_true, y_pred, **self._fn_kwargs)  # ids have one axis fewer

    def compute_mask(self, y_true, y_pred):
        if self.ignore_class is None:
            return None
        return ignore_class_mask(y_true, y_pred, self.ignore_class, self.axis)


class BinaryCrossentropy(LossFunctionWrapper):
    """Cross-entropy for 0/1 targets and probabilities (or logits with ``from_logits``)."""

    def __init__(
        self,
        from_logits=False,
        label_smoothing=0.0,
        axis=-1,
        reduction="sum_over_batch_size",
        name="binary_crossentropy",
        dtype=None,
    ):
        super().__init__(
            binary_crossentropy,
            name=name,
            reduction=reduction,
            dtype=dtype,
            from_logits=from_logits,
            label_smoothing=label_smoothing,
            axis=axis,
        )
        self.from_logits = from_logits
        self.label_smoothing = label_smoothing
        self.axis = axis


class KLDivergence(LossFunctionWrapper):
    """Kullback-Leibler divergence ``sum(y_true * log(y_true / y_pred))``."""

    def __init__(self, reduction="sum_over_batch_size", name="kl_divergence", dtype=None):
        super().__init__(kl_divergence, name=name, reduction=reduction, dtype=dtype)


class Poisson(LossFunctionWrapper):
    """Poisson negative log-likelihood ``mean(y_pred - y_true * log(y_pred))``."""

    def __init__(self, reduction="sum_over_batch_size", name="poisson", dtype=None):
        super().__init__(poisson, name=name, reduction=reduction, dtype=dtype)
