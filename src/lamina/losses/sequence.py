"""Sequence losses: connectionist temporal classification (CTC); the maths is ``ops.ctc_loss``."""

from __future__ import annotations

from lamina import ops
from lamina.losses.loss import LossFunctionWrapper

_BLANK = 0  # Keras's CTC loss keeps class 0 for the blank and pads labels with it


def ctc(y_true, y_pred):
    """CTC loss per sample.

    Args:
        y_true: (batch, max_label_length) integer labels, padded with 0 (the blank).
        y_pred: (batch, max_length, num_classes) logits (not softmax-normalised).
    """
    y_pred = ops.convert_to_tensor(y_pred)
    y_true = ops.convert_to_tensor(y_true)
    if len(y_true.shape) != 2:
        raise ValueError(
            "ctc: y_true must be integer labels of shape (batch_size, max_length); "
            f"received y_true.shape={tuple(y_true.shape)}."
        )
    if len(y_pred.shape) != 3:
        raise ValueError(
            "ctc: y_pred must be logits of shape (batch_size, max_length, num_classes); "
            f"received y_pred.shape={tuple(y_pred.shape)}."
        )
    batch, max_length = y_pred.shape[0], y_pred.shape[1]
    output_length = ops.full((batch,), max_length, dtype="int32")
    label_length = ops.sum(ops.cast(ops.not_equal(y_true, _BLANK), "int32"), axis=-1)
    return ops.ctc_loss(y_true, y_pred, label_length, output_length, mask_index=_BLANK)


class CTC(LossFunctionWrapper):
    """CTC loss: ``y_true`` integer labels padded with 0 (the blank), ``y_pred`` logits."""

    def __init__(self, reduction="sum_over_batch_size", name="ctc", dtype=None):
        super().__init__(ctc, name=name, reduction=reduction, dtype=dtype)
