import numpy as np
import pytest

from lamina import metrics
from tests.harness import check_config_roundtrip
from tests.metrics.streaming import check_streaming


def _thresholds(num_thresholds):
    if num_thresholds == 1:
        return np.array([0.5])
    return np.concatenate([[0.0], np.arange(1, num_thresholds - 1) / (num_thresholds - 1), [1.0]])


def _rates(y_true, y_pred, weights, num_thresholds):
    """Recall, precision and specificity at each threshold (y_pred > threshold)."""
    weights = np.broadcast_to(weights.reshape((-1,) + (1,) * (y_pred.ndim - 1)), y_pred.shape)
    predicted = y_pred[None] > _thresholds(num_thresholds).reshape((-1,) + (1,) * y_pred.ndim)
    positive = (y_true != 0)[None]
    axes = tuple(range(1, y_pred.ndim + 1))

    def count(mask):
        return np.sum(mask * weights[None], axis=axes)

    tp, fp = count(positive & predicted), count(~positive & predicted)
    tn, fn = count(~positive & ~predicted), count(positive & ~predicted)

    def ratio(a, b):
        return np.where(b > 0, a / np.where(b > 0, b, 1), 0.0)

    return {"recall": ratio(tp, tp + fn), "precision": ratio(tp, tp + fp),
            "specificity": ratio(tn, tn + fp)}  # fmt: skip


def _reference(constrained, reported, value, num_thresholds, class_id=None):
    def reference(y_true, y_pred, weights):
        if class_id is not None:
            y_true, y_pred = y_true[:, class_id], y_pred[:, class_id]
        rates = _rates(y_true, y_pred, weights, num_thresholds)
        feasible = rates[constrained] >= value
        return np.max(np.where(feasible, rates[reported], 0.0), initial=0.0)

    return reference


def _batch(rng):
    return rng.integers(0, 2, size=(10, 3)), rng.uniform(size=(10, 3))


CASES = [
    ("precision_at_recall", lambda: metrics.PrecisionAtRecall(0.6),
     _reference("recall", "precision", 0.6, 200)),
    ("recall_at_precision", lambda: metrics.RecallAtPrecision(0.55, num_thresholds=11),
     _reference("precision", "recall", 0.55, 11)),
    ("sensitivity_at_specificity", lambda: metrics.SensitivityAtSpecificity(0.7, class_id=1),
     _reference("specificity", "recall", 0.7, 200, class_id=1)),
    ("specificity_at_sensitivity", lambda: metrics.SpecificityAtSensitivity(0.4, 1),
     _reference("recall", "specificity", 0.4, 1)),
]  # fmt: skip


@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize(
    ("make_metric", "reference"), [case[1:] for case in CASES], ids=[case[0] for case in CASES]
)
def test_streams_like_numpy(make_metric, reference, weighted, rng):
    check_streaming(make_metric(), _batch, reference, rng, weighted)


@pytest.mark.parametrize(
    ("metric", "target"),
    [
        (metrics.PrecisionAtRecall(0.3, num_thresholds=5, class_id=2, name="p"), "recall"),
        (metrics.RecallAtPrecision(0.8), "precision"),
        (metrics.SensitivityAtSpecificity(0.5), "specificity"),
        (metrics.SpecificityAtSensitivity(0.5), "sensitivity"),
    ],
    ids=lambda x: getattr(x, "name", x),
)
def test_configs_have_keras_keys(metric, target):
    config = check_config_roundtrip(metric).get_config()
    assert set(config) == {"name", "dtype", "class_id", "num_thresholds", target}
    assert [v.name for v in metric.variables] == [
        "true_positives", "false_positives", "true_negatives", "false_negatives"
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("build", "message"),
    [
        (lambda: metrics.PrecisionAtRecall(1.5), r"`recall`.*\[0, 1\].*1.5"),
        (lambda: metrics.SpecificityAtSensitivity(-0.1), "`sensitivity`"),
        (lambda: metrics.RecallAtPrecision(0.5, num_thresholds=0), "num_thresholds"),
    ],
)
def test_bad_arguments(build, message):
    with pytest.raises(ValueError, match=message):
        build()
