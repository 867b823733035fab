"""Metrics at an operating point: the best value of one rate over the thresholds where
another rate reaches a target (``PrecisionAtRecall``, ``RecallAtPrecision``,
``SensitivityAtSpecificity``, ``SpecificityAtSensitivity``)."""

from __future__ import annotations

from lamina import ops
from lamina.metrics import confusion_counts
from lamina.metrics.confusion_counts import is_evenly_distributed, update_confusion_counts
from lamina.metrics.metric import Metric


class _OperatingPointMetric(Metric):
    """Confusion counts at ``num_thresholds`` thresholds evenly spaced over [0, 1] (0.5
    alone when ``num_thresholds=1``), as Keras's ``SensitivitySpecificityBase``.

    A subclass names its target (``_target_name``, the constructor argument) and maps the
    counts to (constrained rate, reported rate) in ``_rates``.
    """

    _target_name = ""

    def __init__(self, value, num_thresholds=200, class_id=None, name=None, dtype=None):
        if not 0 <= value <= 1:
            raise ValueError(
                f"Argument `{self._target_name}` must be in the range [0, 1]; received "
                f"{self._target_name}={value!r}."
            )
        if not isinstance(num_thresholds, int) or num_thresholds <= 0:
            raise ValueError(
                f"Argument `num_thresholds` must be an integer > 0; received "
                f"num_thresholds={num_thresholds!r}."
            )
        super().__init__(name=name, dtype=dtype)
        self.value = value
        self.num_thresholds = num_thresholds
        self.class_id = class_id
        if num_thresholds == 1:
            self.thresholds = [0.5]
        else:
            inner = [(i + 1) / (num_thresholds - 1) for i in range(num_thresholds - 2)]
            self.thresholds = [0.0, *inner, 1.0]
        self._evenly = is_evenly_distributed(self.thresholds)
        size = (len(self.thresholds),)
        self.true_positives = self.add_variable(size, "zeros", name="true_positives")
        self.false_positives = self.add_variable(size, "zeros", name="false_positives")
        self.true_negatives = self.add_variable(size, "zeros", name="true_negatives")
        self.false_negatives = self.add_variable(size, "zeros", name="false_negatives")

    def update_state(self, y_true, y_pred, sample_weight=None):
        update_confusion_counts(
            {key: getattr(self, key) for key in confusion_counts.KEYS},
            y_true,
            y_pred,
            self.thresholds,
            class_id=self.class_id,
            sample_weight=sample_weight,
            evenly_distributed=self._evenly,
        )

    def _rate_table(self):
        tp, fp, tn, fn = (getattr(self, key).value for key in confusion_counts.KEYS)
        return {
            "recall": ops.divide_no_nan(tp, tp + fn),  # = sensitivity
            "precision": ops.divide_no_nan(tp, tp + fp),
            "specificity": ops.divide_no_nan(tn, tn + fp),
        }

    def _rates(self, table):
        raise NotImplementedError

    def result(self):
        constrained, reported = self._rates(self._rate_table())
        feasible = ops.greater_equal(constrained, self.value)
        # The best reported rate where the constraint holds; 0 where it holds nowhere.
        return ops.max(ops.where(feasible, reported, 0.0), initial=0.0)

    def get_config(self):
        return {
            **super().get_config(),
            "class_id": self.class_id,
            "num_thresholds": self.num_thresholds,
            self._target_name: self.value,
        }


class SensitivityAtSpecificity(_OperatingPointMetric):
    """The best sensitivity (recall) at thresholds where specificity >= ``specificity``."""

    _target_name = "specificity"

    def __init__(self, specificity, num_thresholds=200, class_id=None, name=None, dtype=None):
        super().__init__(specificity, num_thresholds, class_id, name=name, dtype=dtype)
        self.specificity = specificity

    def _rates(self, table):
        return table["specificity"], table["recall"]


class SpecificityAtSensitivity(_OperatingPointMetric):
    """The best specificity at thresholds where sensitivity (recall) >= ``sensitivity``."""

    _target_name = "sensitivity"

    def __init__(self, sensitivity, num_thresholds=200, class_id=None, name=None, dtype=None):
        super().__init__(sensitivity, num_thresholds, class_id, name=name, dtype=dtype)
        self.sensitivity = sensitivity

    def _rates(self, table):
        return table["recall"], table["specificity"]


class PrecisionAtRecall(_OperatingPointMetric):
    """The best precision at thresholds where recall >= ``recall``."""

    _target_name = "recall"

    def __init__(self, recall, num_thresholds=200, class_id=None, name=None, dtype=None):
        super().__init__(recall, num_thresholds, class_id, name=name, dtype=dtype)
        self.recall = recall

    def _rates(self, table):
        return table["recall"], table["precision"]


class RecallAtPrecision(_OperatingPointMetric):
    """The best recall at thresholds where precision >= ``precision``."""

    _target_name = "precision"

    def __init__(self, precision, num_thresholds=200, class_id=None, name=None, dtype=None):
        super().__init__(precision, num_thresholds, class_id, name=name, dtype=dtype)
        self.precision = precision

    def _rates(self, table):
        return table["precision"], table["recall"]
