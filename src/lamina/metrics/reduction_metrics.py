"""Metrics that reduce values: ``Sum``, ``Mean``, and ``MeanMetricWrapper`` (the mean of a
per-sample function such as an accuracy or a loss)."""

from __future__ import annotations

import math

from lamina import backend, ops
from lamina.backend.common.masking import get_keras_mask
from lamina.losses.loss import apply_mask, squeeze_or_expand_to_same_rank
from lamina.metrics.metric import Metric
from lamina.metrics.state_updates import add_to_state, apply_pending
from lamina.serialization import serialize_keras_object


def reduce_to_samplewise_values(values, sample_weight, reduce_fn, dtype):
    """Weighted values reduced to one per sample (axis 0), and the matching weights."""
    values = ops.cast(values, dtype or backend.floatx())
    if sample_weight is not None:
        sample_weight = ops.cast(sample_weight, ops.dtype(values))
        values, sample_weight = squeeze_or_expand_to_same_rank(values, sample_weight)
        weight_ndim, values_ndim = len(sample_weight.shape), len(values.shape)
        if values_ndim > weight_ndim:  # reduce values to the weights' rank first, as Keras
            values = reduce_fn(values, axis=tuple(range(weight_ndim, values_ndim)))
        sample_weight = ops.broadcast_to(sample_weight, values.shape)
        values = values * sample_weight
        if weight_ndim > 1:
            sample_weight = reduce_fn(sample_weight, axis=tuple(range(1, weight_ndim)))
    if len(values.shape) > 1:
        values = reduce_fn(values, axis=tuple(range(1, len(values.shape))))
    return values, sample_weight


class Sum(Metric):
    """The running (weighted) sum of the values."""

    def __init__(self, name="sum", dtype=None):
        super().__init__(name=name, dtype=dtype)
        self.total = self.add_variable((), "zeros", name="total")

    def update_state(self, values, sample_weight=None):
        values, _ = reduce_to_samplewise_values(values, sample_weight, ops.sum, self.dtype)
        self.total.assign_add(ops.sum(values))

    def result(self):
        return ops.convert_to_tensor(self.total) + 0  # a copy: later updates don't change it


class Mean(Metric):
    """The running (weighted) mean of the values: sum(w * v) / sum(w)."""

    def __init__(self, name="mean", dtype=None):
        super().__init__(name=name, dtype=dtype)
        self.total = self.add_variable((), "zeros", name="total")
        self.count = self.add_variable((), "zeros", name="count")

    def update_state(self, values, sample_weight=None):
        if isinstance(sample_weight, (int, float)) and not isinstance(sample_weight, bool):
            # A scalar weight (the training loop's batch size for the loss): no weight tensor.
            values = ops.cast(values, self.dtype)
            count = math.prod(values.shape) if len(values.shape) else 1
            total = ops.sum(values) if len(values.shape) else values
            add_to_state([self.total, self.count], [total * sample_weight, count * sample_weight])
            return
        values, sample_weight = reduce_to_samplewise_values(
            values, sample_weight, ops.mean, self.dtype
        )
        if sample_weight is not None:
            num_samples = ops.sum(sample_weight)
        else:
            num_samples = values.shape[0] if len(values.shape) else 1  # static: no sync
        add_to_state([self.total, self.count], [ops.sum(values), num_samples])

    def result(self):
        apply_pending()  # adds still waiting in the trainer's step (state_updates.py)
        return ops.divide_no_nan(self.total.value, self.count.value)


class MeanMetricWrapper(Mean):
    """The running mean of ``fn(y_true, y_pred, **kwargs)`` over samples."""

    def __init__(self, fn, name=None, dtype=None, **kwargs):
        super().__init__(name=name, dtype=dtype)
        self._fn = fn
        self._fn_kwargs = kwargs

    def update_state(self, y_true, y_pred, sample_weight=None):
        mask = get_keras_mask(y_pred)  # masked steps of the predictions do not count
        values = self._fn(y_true, y_pred, **self._fn_kwargs)
        if mask is not None:
            sample_weight = apply_mask(sample_weight, mask, self.dtype, reduction="sum")
        return super().update_state(values, sample_weight=sample_weight)

    def get_config(self):
        config = {**super().get_config(), **serialize_keras_object(self._fn_kwargs)}
        if type(self) is MeanMetricWrapper:  # named subclasses know their function
            config["fn"] = serialize_keras_object(self._fn)
        return config

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        if "fn" in config:
            from lamina.metrics.lookup import get_function

            config["fn"] = get_function(config["fn"])
        return cls(**config)
