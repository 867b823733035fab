"""Metric-learning losses over a batch of embeddings: Circle loss (Sun et al., 2020,
https://arxiv.org/abs/2002.10857)."""

from __future__ import annotations

from lamina import ops
from lamina.losses.loss import LossFunctionWrapper


def _labels(labels):
    labels = ops.cast(ops.convert_to_tensor(labels), "int32")
    return ops.reshape(labels, (-1,))  # (B,) from (B,) or (B, 1)


def _pair_masks(query_labels, key_labels, remove_diagonal):
    """Which (query, key) pairs share a label (positives) and which do not (negatives)."""
    positive = ops.equal(query_labels[:, None], key_labels[None, :])  # (Bq, Bk)
    negative = ops.logical_not(positive)
    if remove_diagonal:  # an embedding is not its own positive
        not_self = ops.logical_not(
            ops.eye(query_labels.shape[0], key_labels.shape[0], dtype="bool")
        )
        positive = ops.logical_and(positive, not_self)
    return positive, negative


def _has_pairs(positive, negative):
    """Anchors with at least one positive and one negative: the others have no loss."""
    return ops.logical_and(ops.any(positive, axis=1), ops.any(negative, axis=1))


def _masked_logsumexp(values, mask):
    """logsumexp over the entries in ``mask`` per row; a row with none uses all its entries
    (a finite stand-in, so that gradients stay finite; the caller drops such rows)."""
    mask = ops.logical_or(mask, ops.logical_not(ops.any(mask, axis=1, keepdims=True)))
    return ops.logsumexp(ops.where(mask, values, float("-inf")), axis=1)


def circle(
    y_true,
    y_pred,
    ref_labels=None,
    ref_embeddings=None,
    remove_diagonal=True,
    gamma=80,
    margin=0.4,
):
    """Circle loss per anchor, for integer labels ``y_true`` (batch,) and L2-normalised
    embeddings ``y_pred`` (batch, dim), against ``ref_embeddings``/``ref_labels`` (default:
    the batch itself). Anchors without a positive or without a negative get 0.

    Args:
        remove_diagonal: leave each embedding out of its own positives.
        gamma: the scale of the similarity scores.
        margin: the relaxation: the optima sit at distances ``-margin`` (positives) and
            ``1 + margin`` (negatives), the decision margins at ``margin`` and ``1 - margin``.
    """
    y_pred = ops.convert_to_tensor(y_pred)
    query_labels = _labels(y_true)
    ref_embeddings = y_pred if ref_embeddings is None else ops.convert_to_tensor(ref_embeddings)
    key_labels = query_labels if ref_labels is None else _labels(ref_labels)

    distances = ops.maximum(1.0 - ops.matmul(y_pred, ops.transpose(ref_embeddings)), 0.0)
    positive, negative = _pair_masks(query_labels, key_labels, remove_diagonal)
    dtype = ops.dtype(distances)
    # Pairs far from their optimum get larger weights (the "circle" decision boundary).
    positive_weights = ops.maximum((margin + distances) * ops.cast(positive, dtype), 0.0)
    negative_weights = ops.maximum((1.0 + margin - distances) * ops.cast(negative, dtype), 0.0)
    positive_logits = -gamma * positive_weights * (margin - distances)
    negative_logits = gamma * negative_weights * ((1.0 - margin) - distances)

    total = _masked_logsumexp(positive_logits, positive) + _masked_logsumexp(
        negative_logits, negative
    )
    valid = _has_pairs(positive, negative)
    # Keras gets 0 here from softplus(-inf); a where keeps the gradient finite.
    return ops.where(valid, ops.softplus(total), ops.zeros_like(total))


class Circle(LossFunctionWrapper):
    """Circle loss for integer labels and L2-normalised embeddings (e.g. a Dense layer
    without activation followed by ``UnitNormalization``).

    Anchors without a positive or a negative in the batch are masked out of the mean, as
    Keras masks the zero losses.
    """

    def __init__(
        self,
        gamma=80.0,
        margin=0.4,
        remove_diagonal=True,
        reduction="sum_over_batch_size",
        name="circle",
        dtype=None,
    ):
        super().__init__(
            circle,
            name=name,
            reduction=reduction,
            dtype=dtype,
            gamma=gamma,
            margin=margin,
            remove_diagonal=remove_diagonal,
        )
        self.gamma = gamma
        self.margin = margin
        self.remove_diagonal = remove_diagonal

    def compute_mask(self, y_true, y_pred):
        labels = _labels(y_true)
        return _has_pairs(*_pair_masks(labels, labels, self.remove_diagonal))
