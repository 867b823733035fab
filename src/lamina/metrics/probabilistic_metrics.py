"""Running means of the probabilistic losses, as metrics: cross-entropies, KL divergence,
Poisson."""

from __future__ import annotations

from lamina import ops
from lamina.losses import probabilistic
from lamina.metrics.reduction_metrics import MeanMetricWrapper


class BinaryCrossentropy(MeanMetricWrapper):
    """The mean binary cross-entropy of targets in [0, 1] and predicted probabilities."""

    def __init__(
        self, name="binary_crossentropy", dtype=None, from_logits=False, label_smoothing=0.0
    ):
        super().__init__(
            probabilistic.binary_crossentropy,
            name=name,
            dtype=dtype,
            from_logits=from_logits,
            label_smoothing=label_smoothing,
        )


class CategoricalCrossentropy(MeanMetricWrapper):
    """The mean cross-entropy of one-hot (or soft) targets and predicted distributions."""

    def __init__(
        self,
        name="categorical_crossentropy",
        dtype=None,
        from_logits=False,
        label_smoothing=0.0,
        axis=-1,
    ):
        super().__init__(
            probabilistic.categorical_crossentropy,
            name=name,
            dtype=dtype,
            from_logits=from_logits,
            label_smoothing=label_smoothing,
            axis=axis,
        )


class SparseCategoricalCrossentropy(MeanMetricWrapper):
    """The mean cross-entropy of integer class ids and predicted distributions."""

    def __init__(self, name="sparse_categorical_crossentropy", dtype=None, from_logits=False,
                 ignore_class=None, axis=-1):  # fmt: skip
        super().__init__(
            probabilistic.sparse_categorical_crossentropy,
            name=name,
            dtype=dtype,
            from_logits=from_logits,
            ignore_class=ignore_class,
            axis=axis,
        )
        self.ignore_class = ignore_class
        self.axis = axis

    def update_state(self, y_true, y_pred, sample_weight=None):
        # Ids equal to ignore_class give 0. As in Keras 3.15, they leave the count only when a
        # sample_weight is given (their weight becomes 0); without one they count as zeros.
        if self.ignore_class is not None and sample_weight is not None:
            valid = probabilistic.ignore_class_mask(y_true, y_pred, self.ignore_class, self.axis)
            valid = ops.cast(valid, self.dtype)
            sample_weight = ops.convert_to_tensor(sample_weight, dtype=self.dtype)
            while len(sample_weight.shape) < len(valid.shape):  # (batch,) weights per sample
                sample_weight = ops.expand_dims(sample_weight, -1)
            sample_weight = ops.multiply(sample_weight, valid)
        return super().update_state(y_true, y_pred, sample_weight=sample_weight)


class KLDivergence(MeanMetricWrapper):
    """The mean Kullback-Leibler divergence of y_true from y_pred."""

    def __init__(self, name="kl_divergence", dtype=None):
        super().__init__(probabilistic.kl_divergence, name=name, dtype=dtype)


class Poisson(MeanMetricWrapper):
    """The mean Poisson loss: y_pred - y_true * log(y_pred)."""

    def __init__(self, name="poisson", dtype=None):
        super().__init__(probabilistic.poisson, name=name, dtype=dtype)
