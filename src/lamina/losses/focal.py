"""Focal cross-entropies (Lin et al., 2017, https://arxiv.org/abs/1708.02002): cross-entropy
scaled by ``(1 - p_t) ** gamma`` so that confident, correct predictions count for less."""

from __future__ import annotations

import warnings

from lamina import backend, ops
from lamina.losses.loss import LossFunctionWrapper, check_broadcastable


def _check_axis(name, axis):
    if isinstance(axis, bool) or not isinstance(axis, int):
        raise ValueError(f"{name}: `axis` must be an int; received axis={axis!r}.")


def _as_factor(value, dtype):
    """A per-class list of weights becomes a tensor; a Python number stays a number."""
    if isinstance(value, (list, tuple)):
        return ops.convert_to_tensor(value, dtype=dtype)
    return value


def binary_focal_crossentropy(
    y_true,
    y_pred,
    apply_class_balancing=False,
    alpha=0.25,
    gamma=2.0,
    from_logits=False,
    label_smoothing=0.0,
    axis=-1,
):
    """Mean over ``axis`` of ``(1 - p_t) ** gamma * bce``, where ``p_t`` is the predicted
    probability of the target class.

    Args:
        apply_class_balancing: also weight class 1 by ``alpha`` and class 0 by ``1 - alpha``.
        label_smoothing: squeezes targets towards 0.5, as in ``binary_crossentropy``.
    """
    _check_axis("binary_focal_crossentropy", axis)
    y_pred = ops.convert_to_tensor(y_pred)
    y_true = ops.cast(y_true, ops.dtype(y_pred))
    check_broadcastable("binary_focal_crossentropy", y_true, y_pred)
    if label_smoothing:
        y_true = y_true * (1.0 - label_smoothing) + 0.5 * label_smoothing
    if from_logits:
        y_pred = ops.sigmoid(y_pred)  # as Keras: the focal factor needs probabilities
    bce = ops.binary_crossentropy(y_true, y_pred, from_logits=False)
    p_t = y_true * y_pred + (1.0 - y_true) * (1.0 - y_pred)
    focal_bce = ops.power(1.0 - p_t, gamma) * bce
    if apply_class_balancing:
        focal_bce = (y_true * alpha + (1.0 - y_true) * (1.0 - alpha)) * focal_bce
    return ops.mean(focal_bce, axis=axis)


def categorical_focal_crossentropy(
    y_true,
    y_pred,
    alpha=0.25,
    gamma=2.0,
    from_logits=False,
    label_smoothing=0.0,
    axis=-1,
):
    """Sum over ``axis`` of ``-alpha * (1 - p) ** gamma * y_true * log(p)``, with ``p`` the
    predictions renormalised to sum to 1 and clipped to [epsilon, 1 - epsilon].

    Args:
        alpha: a weight for every class, or a list of one weight per class.
        label_smoothing: moves the targets towards uniform over the last axis's classes.
    """
    _check_axis("categorical_focal_crossentropy", axis)
    y_pred = ops.convert_to_tensor(y_pred)
    dtype = ops.dtype(y_pred)
    y_true = ops.cast(y_true, dtype)
    check_broadcastable("categorical_focal_crossentropy", y_true, y_pred)
    if y_pred.shape[-1] == 1:
        warnings.warn(
            "categorical_focal_crossentropy expects y_pred of shape (batch_size, num_classes) "
            f"with num_classes > 1; received y_pred.shape={tuple(y_pred.shape)}. With two "
            "classes use binary_focal_crossentropy.",
            SyntaxWarning,
            stacklevel=2,
        )
    if label_smoothing:
        num_classes = y_true.shape[-1]  # Keras smooths over the last axis, whatever `axis` is
        y_true = y_true * (1.0 - label_smoothing) + label_smoothing / num_classes
    if from_logits:
        y_pred = ops.softmax(y_pred, axis=axis)
    probabilities = y_pred / ops.sum(y_pred, axis=axis, keepdims=True)
    probabilities = ops.clip(probabilities, backend.epsilon(), 1.0 - backend.epsilon())
    cross_entropy = -y_true * ops.log(probabilities)
    weights = ops.multiply(ops.power(1.0 - probabilities, gamma), _as_factor(alpha, dtype))
    return ops.sum(weights * cross_entropy, axis=axis)


class BinaryFocalCrossentropy(LossFunctionWrapper):
    """Binary cross-entropy with a focal factor ``(1 - p_t) ** gamma`` that down-weights
    easy examples; ``apply_class_balancing`` adds Keras's ``alpha`` class weights."""

    def __init__(
        self,
        apply_class_balancing=False,
        alpha=0.25,
        gamma=2.0,
        from_logits=False,
        label_smoothing=0.0,
        axis=-1,
        reduction="sum_over_batch_size",
        name="binary_focal_crossentropy",
        dtype=None,
    ):
        super().__init__(
            binary_focal_crossentropy,
            name=name,
            reduction=reduction,
            dtype=dtype,
            apply_class_balancing=apply_class_balancing,
            alpha=alpha,
            gamma=gamma,
            from_logits=from_logits,
            label_smoothing=label_smoothing,
            axis=axis,
        )
        self.apply_class_balancing = apply_class_balancing
        self.alpha = alpha
        self.gamma = gamma
        self.from_logits = from_logits
        self.label_smoothing = label_smoothing
        self.axis = axis


class CategoricalFocalCrossentropy(LossFunctionWrapper):
    """Categorical cross-entropy for one-hot targets, scaled per class by
    ``alpha * (1 - p) ** gamma``."""

    def __init__(
        self,
        alpha=0.25,
        gamma=2.0,
        from_logits=False,
        label_smoothing=0.0,
        axis=-1,
        reduction="sum_over_batch_size",
        name="categorical_focal_crossentropy",
        dtype=None,
    ):
        super().__init__(
            categorical_focal_crossentropy,
            name=name,
            reduction=reduction,
            dtype=dtype,
            alpha=alpha,
            gamma=gamma,
            from_logits=from_logits,
            label_smoothing=label_smoothing,
            axis=axis,
        )
        self.alpha = alpha
        self.gamma = gamma
        self.from_logits = from_logits
        self.label_smoothing = label_smoothing
        self.axis = axis
