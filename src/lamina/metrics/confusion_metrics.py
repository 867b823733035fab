"""Metrics built on confusion counts: TruePositives…, Precision, Recall, AUC."""

from __future__ import annotations

from lamina import backend, ops
from lamina.metrics import confusion_counts
from lamina.metrics.confusion_counts import (
    NEG_INF,
    is_evenly_distributed,
    parse_thresholds,
    update_confusion_counts,
)
from lamina.metrics.metric import Metric


class _ThresholdCounts(Metric):
    """Counts of one kind (``_count_name``) at each threshold."""

    _count_name = ""

    def __init__(self, thresholds=None, name=None, dtype=None):
        super().__init__(name=name, dtype=dtype)
        self.init_thresholds = thresholds
        self.thresholds = parse_thresholds(thresholds, default=0.5)
        self._evenly = is_evenly_distributed(self.thresholds)
        self.accumulator = self.add_variable(
            (len(self.thresholds),), "zeros", name=self._count_name
        )

    def update_state(self, y_true, y_pred, sample_weight=None):
        update_confusion_counts(
            {self._count_name: self.accumulator},
            y_true,
            y_pred,
            self.thresholds,
            sample_weight=sample_weight,
            evenly_distributed=self._evenly,
        )

    def result(self):
        value = self.accumulator.value
        return value[0] if len(self.thresholds) == 1 else value + 0

    def get_config(self):
        return {**super().get_config(), "thresholds": self.init_thresholds}


class TruePositives(_ThresholdCounts):
    """The (weighted) number of positive labels predicted positive (y_pred > threshold)."""

    _count_name = "true_positives"


class FalsePositives(_ThresholdCounts):
    """The (weighted) number of negative labels predicted positive."""

    _count_name = "false_positives"


class TrueNegatives(_ThresholdCounts):
    """The (weighted) number of negative labels predicted negative."""

    _count_name = "true_negatives"


class FalseNegatives(_ThresholdCounts):
    """The (weighted) number of positive labels predicted negative."""

    _count_name = "false_negatives"


class _PrecisionRecall(Metric):
    """Shared state of Precision and Recall: true positives and one kind of error."""

    _error_name = ""

    def __init__(self, thresholds=None, top_k=None, class_id=None, name=None, dtype=None):
        super().__init__(name=name, dtype=dtype)
        self.init_thresholds = thresholds
        self.top_k = top_k
        self.class_id = class_id
        # With top_k, a prediction in the top k counts as positive whatever its score.
        self.thresholds = parse_thresholds(thresholds, 0.5 if top_k is None else NEG_INF)
        self._evenly = is_evenly_distributed(self.thresholds)
        size = (len(self.thresholds),)
        self.true_positives = self.add_variable(size, "zeros", name="true_positives")
        self.errors = self.add_variable(size, "zeros", name=self._error_name)

    def update_state(self, y_true, y_pred, sample_weight=None):
        update_confusion_counts(
            {"true_positives": self.true_positives, self._error_name: self.errors},
            y_true,
            y_pred,
            self.thresholds,
            top_k=self.top_k,
            class_id=self.class_id,
            sample_weight=sample_weight,
            evenly_distributed=self._evenly,
        )

    def result(self):
        true_positives = self.true_positives.value
        value = ops.divide_no_nan(true_positives, true_positives + self.errors.value)
        return value[0] if len(self.thresholds) == 1 else value

    def get_config(self):
        return {
            **super().get_config(),
            "thresholds": self.init_thresholds,
            "top_k": self.top_k,
            "class_id": self.class_id,
        }


class Precision(_PrecisionRecall):
    """TP / (TP + FP) at each threshold (one value for one threshold)."""

    _error_name = "false_positives"

    @property
    def false_positives(self):
        return self.errors


class Recall(_PrecisionRecall):
    """TP / (TP + FN) at each threshold (one value for one threshold)."""

    _error_name = "false_negatives"

    @property
    def false_negatives(self):
        return self.errors


_CURVES = ("ROC", "PR")
_SUMMATIONS = ("interpolation", "minoring", "majoring")


class AUC(Metric):
    """Area under the ROC or precision-recall curve, from counts at ``num_thresholds``
    thresholds (a Riemann sum; for ``curve="PR"`` with ``"interpolation"``, the
    Davis & Goadrich 2006 interpolation, as Keras).

    With ``multi_label=True``, y_pred is (batch, num_labels): one curve per label, averaged
    (weighted by ``label_weights`` if given). Otherwise every entry is one prediction.
    """

    def __init__(
        self,
        num_thresholds=200,
        curve="ROC",
        summation_method="interpolation",
        name=None,
        dtype=None,
        thresholds=None,
        multi_label=False,
        num_labels=None,
        label_weights=None,
        from_logits=False,
    ):
        super().__init__(name=name, dtype=dtype)
        self.curve = _choice("curve", curve, _CURVES, str.upper)
        self.summation_method = _choice(
            "summation_method", summation_method, _SUMMATIONS, str.lower
        )
        self._init_from_thresholds = thresholds is not None
        if thresholds is not None:
            inner = sorted(parse_thresholds(thresholds, 0.5))
            self.num_thresholds = len(inner) + 2
            self._evenly = is_evenly_distributed([0.0, *inner, 1.0])
        else:
            if not isinstance(num_thresholds, int) or num_thresholds <= 1:
                raise ValueError(
                    f"Argument `num_thresholds` must be an integer > 1; received "
                    f"num_thresholds={num_thresholds!r}."
                )
            self.num_thresholds = num_thresholds
            inner = [(i + 1) / (num_thresholds - 1) for i in range(num_thresholds - 2)]
            self._evenly = True
        # Endpoints just outside [0, 1] catch predictions of exactly 0 and 1.
        epsilon = backend.epsilon()
        self._thresholds = [0.0 - epsilon, *inner, 1.0 + epsilon]
        self.multi_label = multi_label
        self.num_labels = num_labels
        self.label_weights = None if label_weights is None else list(label_weights)
        self._from_logits = from_logits
        self._built = False
        if not multi_label or num_labels is not None:
            self._build(num_labels if multi_label else None)

    @property
    def thresholds(self):
        return list(self._thresholds)

    def _build(self, num_labels):
        shape = (self.num_thresholds,) if num_labels is None else (self.num_thresholds, num_labels)
        for key in confusion_counts.KEYS:
            setattr(self, key, self.add_variable(shape, "zeros", name=key))
        self.num_labels = num_labels
        self._built = True

    def update_state(self, y_true, y_pred, sample_weight=None):
        y_pred = ops.convert_to_tensor(y_pred)
        if self.multi_label and len(y_pred.shape) != 2:
            raise ValueError(
                "AUC(multi_label=True) expects y_pred of shape (batch, num_labels); received "
                f"y_pred.shape={tuple(y_pred.shape)}."
            )
        if not self._built:
            self._build(y_pred.shape[-1])
        if self._from_logits:
            y_pred = ops.sigmoid(y_pred)
        update_confusion_counts(
            {key: getattr(self, key) for key in confusion_counts.KEYS},
            y_true,
            y_pred,
            self._thresholds,
            sample_weight=sample_weight,
            multi_label=self.multi_label,
            label_weights=None if self.multi_label else self.label_weights,
            evenly_distributed=self._evenly,
        )

    def _average_over_labels(self, per_threshold):
        if not self.multi_label:
            return ops.sum(per_threshold)
        per_label = ops.sum(per_threshold, axis=0)
        if self.label_weights is None:
            return ops.mean(per_label)
        weights = ops.convert_to_tensor(self.label_weights, dtype=self.dtype)
        return ops.divide_no_nan(ops.sum(per_label * weights), ops.sum(weights))

    def _interpolated_pr_auc(self):
        """Precision is interpolated linearly in TP between thresholds (Davis & Goadrich)."""
        tp, fp, fn = (getattr(self, k).value for k in ("true_positives", "false_positives",
                                                       "false_negatives"))  # fmt: skip
        predicted = tp + fp
        d_tp = tp[:-1] - tp[1:]
        d_predicted = predicted[:-1] - predicted[1:]
        slope = ops.divide_no_nan(d_tp, ops.maximum(d_predicted, 0.0))
        intercept = tp[1:] - slope * predicted[1:]
        both_positive = ops.logical_and(predicted[:-1] > 0, predicted[1:] > 0)
        ratio = ops.where(
            both_positive,
            ops.divide_no_nan(predicted[:-1], ops.maximum(predicted[1:], 0.0)),
            ops.ones_like(predicted[1:]),
        )
        increments = ops.divide_no_nan(
            slope * (d_tp + intercept * ops.log(ratio)), ops.maximum(tp[1:] + fn[1:], 0.0)
        )
        return self._average_over_labels(increments)

    def result(self):
        if self.curve == "PR" and self.summation_method == "interpolation":
            return self._interpolated_pr_auc()
        tp, fp, tn, fn = (getattr(self, key).value for key in confusion_counts.KEYS)
        recall = ops.divide_no_nan(tp, tp + fn)
        if self.curve == "ROC":
            x, y = ops.divide_no_nan(fp, fp + tn), recall
        else:
            x, y = recall, ops.divide_no_nan(tp, tp + fp)
        if self.summation_method == "interpolation":
            heights = (y[:-1] + y[1:]) / 2.0
        elif self.summation_method == "minoring":
            heights = ops.minimum(y[:-1], y[1:])
        else:
            heights = ops.maximum(y[:-1], y[1:])
        return self._average_over_labels((x[:-1] - x[1:]) * heights)

    def reset_state(self):
        if self._built:
            super().reset_state()

    def get_config(self):
        config = {
            **super().get_config(),
            "num_thresholds": self.num_thresholds,
            "curve": self.curve,
            "summation_method": self.summation_method,
            "multi_label": self.multi_label,
            "num_labels": self.num_labels,
            "label_weights": self.label_weights,
            "from_logits": self._from_logits,
        }
        if self._init_from_thresholds:
            config["thresholds"] = self._thresholds[1:-1]
        return config


def _choice(argument, value, allowed, normalize):
    normalized = normalize(value) if isinstance(value, str) else value
    if normalized not in allowed:
        raise ValueError(
            f"Invalid {argument}: expected one of {allowed}; received {argument}={value!r}."
        )
    return normalized
