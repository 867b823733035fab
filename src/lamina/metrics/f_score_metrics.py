"""F-scores: the weighted harmonic mean of precision and recall, per class or averaged."""

from __future__ import annotations

from lamina import backend, ops
from lamina.metrics.metric import Metric

_AVERAGES = (None, "micro", "macro", "weighted")


class FBetaScore(Metric):
    """``(1 + beta²) * precision * recall / (beta² * precision + recall)`` for each class of
    2D one-hot (or multi-label) targets and scores of shape ``(batch_size, num_classes)``.

    Args:
        average: ``None`` (one score per class), ``"micro"`` (one score from the totals over
            all classes), ``"macro"`` (the mean of the per-class scores) or ``"weighted"``
            (their mean weighted by each class's number of true labels).
        beta: a Python float > 0, the weight of recall.
        threshold: a Python float in (0, 1]: scores above it are positive predictions. With
            ``None``, each row's highest (non-zero) score is the positive prediction.
    """

    def __init__(self, average=None, beta=1.0, threshold=None, name="fbeta_score", dtype=None):
        super().__init__(name=name, dtype=dtype)
        if average not in _AVERAGES:
            raise ValueError(
                f"Invalid `average` argument value: expected one of {_AVERAGES}; received "
                f"average={average!r}."
            )
        if not isinstance(beta, float) or beta <= 0.0:  # Keras asks for a Python float too
            raise ValueError(
                f"Invalid `beta` argument value: expected a Python float > 0; received "
                f"beta={beta!r} of type {type(beta).__name__}."
            )
        if threshold is not None and (
            not isinstance(threshold, float) or not 0.0 < threshold <= 1.0
        ):
            raise ValueError(
                "Invalid `threshold` argument value: expected None or a Python float with "
                f"0 < threshold <= 1; received threshold={threshold!r}."
            )
        self.average = average
        self.beta = beta
        self.threshold = threshold
        self.axis = None if average == "micro" else 0  # micro sums over classes as well
        self._built = False

    def _build(self, y_true_shape, y_pred_shape):
        if len(y_true_shape) != 2 or len(y_pred_shape) != 2 or y_pred_shape[-1] is None:
            raise ValueError(
                f"{type(self).__name__} expects 2D inputs of shape (batch_size, num_classes) "
                f"with num_classes known; received y_true.shape={tuple(y_true_shape)}, "
                f"y_pred.shape={tuple(y_pred_shape)}."
            )
        shape = () if self.average == "micro" else (y_pred_shape[-1],)
        self.true_positives = self.add_variable(shape, "zeros", name="true_positives")
        self.false_positives = self.add_variable(shape, "zeros", name="false_positives")
        self.false_negatives = self.add_variable(shape, "zeros", name="false_negatives")
        # The number of true labels per class: the weights of average="weighted".
        self.intermediate_weights = self.add_variable(shape, "zeros", name="intermediate_weights")
        self._built = True

    def update_state(self, y_true, y_pred, sample_weight=None):
        y_true = ops.convert_to_tensor(y_true, dtype=self.dtype)
        y_pred = ops.convert_to_tensor(y_pred, dtype=self.dtype)
        if not self._built:
            self._build(y_true.shape, y_pred.shape)
        if self.threshold is None:  # each row's maximum, unless the row is all zeros
            row_max = ops.max(y_pred, axis=-1, keepdims=True)
            predicted = ops.logical_and(y_pred >= row_max, ops.abs(y_pred) > 1e-9)
        else:
            predicted = y_pred > self.threshold
        predicted = ops.cast(predicted, self.dtype)
        if sample_weight is not None:
            sample_weight = ops.convert_to_tensor(sample_weight, dtype=self.dtype)
            if len(sample_weight.shape) == 1:
                sample_weight = ops.expand_dims(sample_weight, 1)  # (batch, 1)

        def weighted_sum(values):
            if sample_weight is not None:
                values = values * sample_weight
            return ops.sum(values, axis=self.axis)

        self.true_positives.assign_add(weighted_sum(predicted * y_true))
        self.false_positives.assign_add(weighted_sum(predicted * (1.0 - y_true)))
        self.false_negatives.assign_add(weighted_sum((1.0 - predicted) * y_true))
        self.intermediate_weights.assign_add(weighted_sum(y_true))

    def result(self):
        epsilon = backend.epsilon()  # Keras's smoothing of every ratio below
        true_positives = self.true_positives.value
        precision = true_positives / (true_positives + self.false_positives.value + epsilon)
        recall = true_positives / (true_positives + self.false_negatives.value + epsilon)
        beta_squared = self.beta**2
        score = (1.0 + beta_squared) * (
            precision * recall / (beta_squared * precision + recall + epsilon)
        )
        if self.average == "weighted":
            support = self.intermediate_weights.value
            return ops.sum(score * support / (ops.sum(support) + epsilon))
        if self.average is not None:  # micro (already a scalar) or macro
            return ops.mean(score)
        return score

    def get_config(self):
        return {
            **super().get_config(),
            "average": self.average,
            "beta": self.beta,
            "threshold": self.threshold,
        }


class F1Score(FBetaScore):
    """``2 * precision * recall / (precision + recall)``: ``FBetaScore`` with ``beta=1``."""

    def __init__(self, average=None, threshold=None, name="f1_score", dtype=None):
        super().__init__(average=average, beta=1.0, threshold=threshold, name=name, dtype=dtype)

    def get_config(self):
        config = super().get_config()
        del config["beta"]
        return config
