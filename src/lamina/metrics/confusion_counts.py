"""Accumulate true/false positive/negative counts at a set of thresholds, on the device.

``y_pred > threshold`` counts as a positive prediction and any non-zero label as a positive
label, as in Keras. Evenly spaced thresholds (AUC's default) use a bucket count in O(n);
others compare every prediction with every threshold.
"""

from __future__ import annotations

import numpy as np

from lamina import backend, ops
from lamina.losses.loss import squeeze_or_expand_to_same_rank

NEG_INF = -1e10  # the score given to predictions outside the top k, as Keras
KEYS = ("true_positives", "false_positives", "true_negatives", "false_negatives")


def parse_thresholds(thresholds, default):
    """A list of floats in [0, 1] (or the default, which may lie outside for top_k)."""
    if thresholds is None:
        return [default]
    listed = list(thresholds) if isinstance(thresholds, (list, tuple)) else [thresholds]
    invalid = [t for t in listed if t is None or not 0 <= t <= 1]
    if invalid:
        raise ValueError(f"Threshold values must be in [0, 1]; received thresholds={thresholds}.")
    return [float(t) for t in listed]


def is_evenly_distributed(thresholds) -> bool:
    """Whether thresholds are i / (n - 1) for i = 0..n-1 (endpoints may be off by epsilon)."""
    count = len(thresholds)
    if count < 3:
        return False
    even = np.arange(count, dtype=np.float64) / (count - 1)
    return bool(np.allclose(thresholds, even, atol=backend.epsilon()))


def _filter_top_k(y_pred, k):
    """Scores outside each row's top k become NEG_INF."""
    _, indices = ops.top_k(y_pred, k)
    in_top_k = ops.sum(ops.one_hot(indices, y_pred.shape[-1], dtype=ops.dtype(y_pred)), axis=-2)
    return y_pred * in_top_k + NEG_INF * (1.0 - in_top_k)


def _prepare(y_true, y_pred, sample_weight, top_k, class_id, dtype):
    y_true, y_pred = ops.cast(y_true, dtype), ops.cast(y_pred, dtype)
    y_pred, y_true = squeeze_or_expand_to_same_rank(y_pred, y_true)
    if tuple(y_true.shape) != tuple(y_pred.shape):
        raise ValueError(
            "y_true and y_pred must have the same shape; received "
            f"y_true.shape={tuple(y_true.shape)}, y_pred.shape={tuple(y_pred.shape)}."
        )
    if sample_weight is not None:
        sample_weight = ops.cast(sample_weight, dtype)
        y_pred, sample_weight = squeeze_or_expand_to_same_rank(y_pred, sample_weight)
        missing = len(y_pred.shape) - len(sample_weight.shape)  # per-sample weights
        sample_weight = ops.reshape(sample_weight, (*sample_weight.shape, *(1,) * missing))
        sample_weight = ops.broadcast_to(sample_weight, y_pred.shape)
    if top_k is not None:
        y_pred = _filter_top_k(y_pred, top_k)
    if class_id is not None:
        if len(y_pred.shape) < 2:
            raise ValueError(
                "When class_id is given, y_pred must have shape (num_samples, num_classes); "
                f"received y_pred.shape={tuple(y_pred.shape)}."
            )
        y_true, y_pred = y_true[..., class_id : class_id + 1], y_pred[..., class_id : class_id + 1]
        if sample_weight is not None:
            sample_weight = sample_weight[..., class_id : class_id + 1]
    return y_true, y_pred, sample_weight


def update_confusion_counts(
    variables,
    y_true,
    y_pred,
    thresholds,
    top_k=None,
    class_id=None,
    sample_weight=None,
    multi_label=False,
    label_weights=None,
    evenly_distributed=False,
):
    """Add this batch's counts to ``variables`` (a dict keyed by names in ``KEYS``).

    Single-label: each variable has shape (num_thresholds,) and every entry of y_pred counts.
    Multi-label: y_pred is (batch, num_labels) and each variable (num_thresholds, num_labels).
    """
    dtype = next(iter(variables.values())).dtype
    y_true, y_pred, sample_weight = _prepare(y_true, y_pred, sample_weight, top_k, class_id, dtype)
    weights = sample_weight
    if label_weights is not None and not multi_label:
        label_weights = ops.broadcast_to(ops.cast(label_weights, dtype), y_pred.shape)
        weights = label_weights if weights is None else weights * label_weights
    if weights is None:
        weights = ops.ones_like(y_pred)
    labels = ops.cast(ops.not_equal(y_true, 0), dtype)
    if not multi_label:  # every entry is one prediction
        labels, y_pred, weights = (ops.reshape(x, (-1,)) for x in (labels, y_pred, weights))
    positives, negatives = labels * weights, (1.0 - labels) * weights  # (N,) or (B, L)
    if evenly_distributed:
        tp, fp = _bucket_counts(positives, negatives, y_pred, thresholds, multi_label)
    else:
        tp, fp = _compare_counts(positives, negatives, y_pred, thresholds)
    counts = {"true_positives": tp, "false_positives": fp}
    if "false_negatives" in variables:
        counts["false_negatives"] = ops.sum(positives, axis=0) - tp
    if "true_negatives" in variables:
        counts["true_negatives"] = ops.sum(negatives, axis=0) - fp
    for key, variable in variables.items():
        variable.assign_add(counts[key])


def _compare_counts(positives, negatives, y_pred, thresholds):
    """Counts from an explicit (num_thresholds, *y_pred.shape) comparison."""
    thresholds = ops.convert_to_tensor(np.asarray(thresholds), dtype=ops.dtype(y_pred))
    thresholds = ops.reshape(thresholds, (-1, *(1,) * len(y_pred.shape)))
    is_predicted = ops.cast(ops.greater(ops.expand_dims(y_pred, 0), thresholds), y_pred.dtype)
    true_positives = ops.sum(is_predicted * positives, axis=1)
    false_positives = ops.sum(is_predicted * negatives, axis=1)
    return true_positives, false_positives


def _bucket_counts(positives, negatives, y_pred, thresholds, multi_label):
    """Counts for thresholds i / (n - 1): each prediction falls in one bucket, and a threshold's
    count is the sum over buckets above it (a reversed cumulative sum)."""
    num_thresholds = len(thresholds)
    has_epsilon_ends = thresholds[0] < 0.0 or thresholds[-1] > 1.0
    y_pred = ops.clip(y_pred, 0.0, 1.0)
    # y_pred > i / (n - 1)  <=>  i <= ceil(y_pred * (n - 1)) - 1: the prediction's bucket.
    buckets = ops.ceil(y_pred * (num_thresholds - 1)) - 1.0
    if has_epsilon_ends:
        buckets = ops.maximum(buckets, 0.0)  # any prediction beats the -epsilon threshold
    else:  # bucket -1 (y_pred == 0 beats no threshold) counts nowhere
        is_counted = ops.cast(ops.greater_equal(buckets, 0.0), y_pred.dtype)
        positives, negatives = positives * is_counted, negatives * is_counted
        buckets = ops.maximum(buckets, 0.0)
    buckets = ops.cast(buckets, "int32")
    num_segments = num_thresholds
    if multi_label:  # one segment range per label: label j uses ids j*n .. j*n + n - 1
        num_labels = y_pred.shape[-1]
        buckets = buckets + ops.arange(num_labels, dtype="int32") * num_thresholds
        num_segments = num_labels * num_thresholds
    counts = []
    for data in (positives, negatives):
        per_bucket = ops.segment_sum(
            ops.reshape(data, (-1,)), ops.reshape(buckets, (-1,)), num_segments=num_segments
        )
        if multi_label:
            per_bucket = ops.transpose(ops.reshape(per_bucket, (-1, num_thresholds)))  # (n, L)
        counts.append(ops.flip(ops.cumsum(ops.flip(per_bucket, axis=0), axis=0), axis=0))
    return counts[0], counts[1]
