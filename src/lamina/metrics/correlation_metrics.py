"""Correlation of targets and predictions along an axis, per sample, and their running
means: ``pearson_correlation``, ``concordance_correlation`` and their classes."""

from __future__ import annotations

from lamina import backend, ops
from lamina.losses.loss import squeeze_or_expand_to_same_rank
from lamina.metrics.reduction_metrics import MeanMetricWrapper


def _prepare(y_true, y_pred):
    y_pred = ops.convert_to_tensor(y_pred)
    y_true = ops.convert_to_tensor(y_true, dtype=ops.dtype(y_pred))
    return squeeze_or_expand_to_same_rank(y_true, y_pred)


def pearson_correlation(y_true, y_pred, axis=-1):
    """Pearson's r of ``y_true`` and ``y_pred`` along ``axis``: cov / (std_true * std_pred)."""
    y_true, y_pred = _prepare(y_true, y_pred)
    true_centered = y_true - ops.mean(y_true, axis=axis, keepdims=True)
    pred_centered = y_pred - ops.mean(y_pred, axis=axis, keepdims=True)
    true_scaled = true_centered / ops.std(true_centered, axis=axis, keepdims=True)
    pred_scaled = pred_centered / ops.std(pred_centered, axis=axis, keepdims=True)
    return ops.mean(true_scaled * pred_scaled, axis=axis)


def concordance_correlation(y_true, y_pred, axis=-1):
    """Lin's concordance correlation along ``axis``:
    ``2 cov / (var_true + var_pred + (mean_true - mean_pred)²)``."""
    y_true, y_pred = _prepare(y_true, y_pred)
    true_mean = ops.mean(y_true, axis=axis, keepdims=True)
    pred_mean = ops.mean(y_pred, axis=axis, keepdims=True)
    true_variance = ops.var(y_true, axis=axis, keepdims=True)
    pred_variance = ops.var(y_pred, axis=axis, keepdims=True)
    products = (y_true - true_mean) * (y_pred - pred_mean)  # their mean is the covariance
    norm = true_variance + pred_variance + ops.square(true_mean - pred_mean)
    return ops.mean(2.0 * products / (norm + backend.epsilon()), axis=axis)


class PearsonCorrelation(MeanMetricWrapper):
    """The running mean of ``pearson_correlation`` over samples."""

    def __init__(self, name="pearson_correlation", dtype=None, axis=-1):
        super().__init__(pearson_correlation, name=name, dtype=dtype, axis=axis)
        self.axis = axis


class ConcordanceCorrelation(MeanMetricWrapper):
    """The running mean of ``concordance_correlation`` over samples."""

    def __init__(self, name="concordance_correlation", dtype=None, axis=-1):
        super().__init__(concordance_correlation, name=name, dtype=dtype, axis=axis)
        self.axis = axis
