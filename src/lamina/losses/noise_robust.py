"""Noise-robust classification losses: the generalized cross-entropy of Zhang & Sabuncu
(2018, https://arxiv.org/abs/1805.07836), between cross-entropy (q -> 0) and MAE (q = 1)."""

from __future__ import annotations

from lamina import ops
from lamina.losses.loss import LossFunctionWrapper


def _check_q(q):
    if isinstance(q, bool) or not isinstance(q, (int, float)) or not 0 < q < 1:
        raise ValueError(f"`q` must be a number in the open interval (0, 1); received q={q!r}.")


def categorical_generalized_cross_entropy(y_true, y_pred, q):
    """``(1 - p ** q) / q`` per sample, ``p`` being the predicted probability of the class.

    Args:
        y_true: integer class ids, of shape (batch,) or (batch, 1).
        y_pred: class probabilities, of shape (batch, num_classes).
        q: the noise parameter, in (0, 1).
    """
    y_pred = ops.convert_to_tensor(y_pred)
    y_true = ops.convert_to_tensor(y_true)
    if len(y_true.shape) == len(y_pred.shape) and y_true.shape[-1] == 1:
        # (batch, 1) ids would otherwise broadcast against (batch, num_classes) rows.
        y_true = ops.squeeze(y_true, axis=-1)
    one_hot = ops.one_hot(ops.cast(y_true, "int32"), y_pred.shape[-1], dtype=ops.dtype(y_pred))
    p = ops.sum(y_pred * one_hot, axis=-1)
    return (1.0 - ops.power(p, q)) / q


class CategoricalGeneralizedCrossEntropy(LossFunctionWrapper):
    """Generalized cross-entropy ``(1 - p ** q) / q`` for integer class ids: robust to noisy
    labels, more so as ``q`` nears 1."""

    def __init__(
        self,
        q=0.5,
        reduction="sum_over_batch_size",
        name="categorical_generalized_cross_entropy",
        dtype=None,
    ):
        _check_q(q)
        super().__init__(
            categorical_generalized_cross_entropy, name=name, reduction=reduction, dtype=dtype, q=q
        )
        self.q = q
