"""Accuracy metrics: per-sample match functions and their running means."""

from __future__ import annotations

from lamina import backend, ops
from lamina.backend.common.masking import get_keras_mask
from lamina.losses.loss import squeeze_or_expand_to_same_rank
from lamina.metrics.reduction_metrics import MeanMetricWrapper
from lamina.metrics.state_updates import add_to_state

# The engine's batch match counter, when it has one (tests/metrics/test_metric_kernels.py).
_KERNELS = getattr(backend.engine, "metric_kernels", None)


def _matches(y_true, y_pred):
    return ops.cast(ops.equal(y_true, y_pred), backend.floatx())


def accuracy(y_true, y_pred):
    """1.0 where y_true equals y_pred exactly, else 0.0."""
    y_pred = ops.convert_to_tensor(y_pred)
    y_true = ops.convert_to_tensor(y_true, dtype=ops.dtype(y_pred))
    y_true, y_pred = squeeze_or_expand_to_same_rank(y_true, y_pred)
    return _matches(y_true, y_pred)


def binary_accuracy(y_true, y_pred, threshold=0.5):
    """1.0 where (y_pred > threshold) equals y_true, else 0.0."""
    y_pred = ops.convert_to_tensor(y_pred)
    y_true = ops.convert_to_tensor(y_true, dtype=ops.dtype(y_pred))
    y_true, y_pred = squeeze_or_expand_to_same_rank(y_true, y_pred)
    predicted = ops.cast(ops.greater(y_pred, threshold), ops.dtype(y_true))
    return _matches(y_true, predicted)


def _squeeze_ids(y_true, y_pred):
    """Class ids of shape (..., 1) beside predictions of the same rank lose the last axis."""
    if len(y_true.shape) == len(y_pred.shape) and y_true.shape[-1] == 1:
        return ops.squeeze(y_true, axis=-1)
    return y_true


def categorical_accuracy(y_true, y_pred):
    """1.0 where argmax(y_pred) equals argmax(y_true) (one-hot targets), else 0.0."""
    y_pred = ops.convert_to_tensor(y_pred)
    true_ids = ops.argmax(ops.convert_to_tensor(y_true), axis=-1)
    return _matches(true_ids, ops.argmax(y_pred, axis=-1))


def sparse_categorical_accuracy(y_true, y_pred):
    """1.0 where argmax(y_pred) equals the integer id y_true, else 0.0."""
    y_pred = ops.convert_to_tensor(y_pred)
    y_true = _squeeze_ids(ops.convert_to_tensor(y_true), y_pred)
    predicted = ops.argmax(y_pred, axis=-1)
    if not backend.is_int_dtype(ops.dtype(y_true)):
        predicted = ops.cast(predicted, ops.dtype(y_true))  # float ids: compared as floats
    # Integer ids of another width compare as they are (equal promotes): one cast fewer.
    return _matches(y_true, predicted)


def _in_top_k(true_ids, y_pred, k):
    """Whether each id is among the k highest scores; any leading shape."""
    num_classes = y_pred.shape[-1]
    flat_pred = ops.reshape(y_pred, (-1, num_classes))
    flat_ids = ops.cast(ops.reshape(true_ids, (-1,)), "int32")
    found = ops.in_top_k(flat_ids, flat_pred, k=min(k, num_classes))
    return ops.reshape(ops.cast(found, backend.floatx()), true_ids.shape)


def top_k_categorical_accuracy(y_true, y_pred, k=5):
    """1.0 where the one-hot target's class is among the k highest predictions."""
    y_pred = ops.convert_to_tensor(y_pred)
    true_ids = ops.argmax(ops.convert_to_tensor(y_true), axis=-1)
    return _in_top_k(true_ids, y_pred, k)


def sparse_top_k_categorical_accuracy(y_true, y_pred, k=5, from_sorted_ids=False):
    """1.0 where the integer id is among the k highest predictions.

    With ``from_sorted_ids``, ``y_pred`` already holds class ids sorted by score (best first).
    """
    y_pred = ops.convert_to_tensor(y_pred)
    y_true = _squeeze_ids(ops.convert_to_tensor(y_true), y_pred)
    if from_sorted_ids:
        best = ops.cast(y_pred[..., :k], "int32")
        hits = ops.equal(best, ops.expand_dims(ops.cast(y_true, "int32"), -1))
        return ops.cast(ops.any(hits, axis=-1), backend.floatx())
    return _in_top_k(y_true, y_pred, k)


class Accuracy(MeanMetricWrapper):
    """How often predictions equal labels exactly."""

    def __init__(self, name="accuracy", dtype=None):
        super().__init__(accuracy, name=name, dtype=dtype)


class BinaryAccuracy(MeanMetricWrapper):
    """How often ``y_pred > threshold`` matches 0/1 labels."""

    def __init__(self, name="binary_accuracy", dtype=None, threshold=0.5):
        super().__init__(binary_accuracy, name=name, dtype=dtype, threshold=threshold)


class _ArgmaxAccuracy(MeanMetricWrapper):
    """The argmax accuracies: where the engine has a kernel that counts a batch's matches
    (tested to agree with the per-sample function), an unweighted, unmasked batch of
    (batch, classes) predictions adds that count, without the per-sample values' casts."""

    _sparse = False  # class ids as targets, not one-hot rows

    def update_state(self, y_true, y_pred, sample_weight=None):
        if sample_weight is None and _KERNELS is not None and get_keras_mask(y_pred) is None:
            total = _KERNELS.argmax_match_count(y_true, y_pred, self._sparse, self.dtype)
            if total is not None:
                add_to_state([self.total, self.count], [total, len(y_pred)])
                return None
        return super().update_state(y_true, y_pred, sample_weight=sample_weight)


class CategoricalAccuracy(_ArgmaxAccuracy):
    """How often the highest prediction is the one-hot target's class."""

    def __init__(self, name="categorical_accuracy", dtype=None):
        super().__init__(categorical_accuracy, name=name, dtype=dtype)


class SparseCategoricalAccuracy(_ArgmaxAccuracy):
    """How often the highest prediction is the integer target class."""

    _sparse = True

    def __init__(self, name="sparse_categorical_accuracy", dtype=None):
        super().__init__(sparse_categorical_accuracy, name=name, dtype=dtype)


class TopKCategoricalAccuracy(MeanMetricWrapper):
    """How often the one-hot target's class is among the ``k`` highest predictions."""

    def __init__(self, k=5, name="top_k_categorical_accuracy", dtype=None):
        super().__init__(top_k_categorical_accuracy, name=name, dtype=dtype, k=k)


class SparseTopKCategoricalAccuracy(MeanMetricWrapper):
    """How often the integer target class is among the ``k`` highest predictions."""

    def __init__(
        self,
        k=5,
        name="sparse_top_k_categorical_accuracy",
        dtype=None,
        from_sorted_ids=False,
    ):
        super().__init__(
            sparse_top_k_categorical_accuracy,
            name=name,
            dtype=dtype,
            k=k,
            from_sorted_ids=from_sorted_ids,
        )
