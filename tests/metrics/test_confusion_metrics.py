import numpy as np
import pytest

from lamina import metrics
from tests.harness import assert_close, check_config_roundtrip
from tests.metrics.streaming import check_streaming

EPSILON = 1e-7


def _counts(y_true, y_pred, thresholds, weights, axis=None):
    """(tp, fp, tn, fn) at each threshold; weights broadcast to y_pred."""
    positive = (y_true != 0)[None]
    predicted = y_pred[None] > np.reshape(thresholds, (-1,) + (1,) * y_pred.ndim)
    weights = np.broadcast_to(weights, y_pred.shape)[None]
    axes = tuple(range(1, y_pred.ndim + 1)) if axis is None else axis

    def count(mask):
        return np.sum(mask * weights, axis=axes)

    return (
        count(positive & predicted),
        count(~positive & predicted),
        count(~positive & ~predicted),
        count(positive & ~predicted),
    )


def _per_sample(weights, y_pred):
    return weights.reshape((-1,) + (1,) * (y_pred.ndim - 1))


def _binary_batch(rng):
    return rng.integers(0, 2, size=(10, 3)), rng.uniform(size=(10, 3))


def _precision_reference(thresholds, kind):
    def reference(y_true, y_pred, weights):
        tp, fp, _, fn = _counts(y_true, y_pred, thresholds, _per_sample(weights, y_pred))
        value = _safe_divide(tp, tp + (fp if kind == "precision" else fn))
        return value[0] if len(thresholds) == 1 else value

    return reference


def _top_k_reference(k, kind, class_id=None):
    def reference(y_true, y_pred, weights):
        ranks = np.argsort(np.argsort(-y_pred, axis=-1), axis=-1)
        in_top_k = (ranks < k).astype(float)
        if class_id is not None:
            y_true, in_top_k = y_true[:, class_id], in_top_k[:, class_id]
        tp, fp, _, fn = _counts(y_true, in_top_k, [0.5], _per_sample(weights, in_top_k))
        return _safe_divide(tp, tp + (fp if kind == "precision" else fn))[0]

    return reference


PRECISION_RECALL_CASES = [
    pytest.param(kind, kwargs, reference, id=f"{kind}-{kwargs}")
    for kind in ("precision", "recall")
    for kwargs, reference in (
        ({}, _precision_reference([0.5], kind)),
        ({"thresholds": 0.3}, _precision_reference([0.3], kind)),
        ({"thresholds": [0.2, 0.5, 0.9]}, _precision_reference([0.2, 0.5, 0.9], kind)),
        ({"thresholds": [0.0, 0.5, 1.0]}, _precision_reference([0.0, 0.5, 1.0], kind)),
        ({"top_k": 2}, _top_k_reference(2, kind)),
        ({"top_k": 2, "class_id": 1}, _top_k_reference(2, kind, class_id=1)),
    )
]


@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize(("kind", "kwargs", "reference"), PRECISION_RECALL_CASES)
def test_precision_recall_stream_like_numpy(kind, kwargs, reference, weighted, rng):
    metric = (metrics.Precision if kind == "precision" else metrics.Recall)(**kwargs)
    check_streaming(metric, _binary_batch, reference, rng, weighted)


def test_class_id_without_top_k(rng):
    y_true, y_pred = _binary_batch(rng)
    metric = metrics.Precision(class_id=2)
    metric.update_state(y_true, y_pred)
    tp, fp, _, _ = _counts(y_true[:, 2], y_pred[:, 2], [0.5], 1.0)
    assert_close(metric.result(), (tp / (tp + fp))[0])


@pytest.mark.parametrize(
    "metric_class",
    [metrics.TruePositives, metrics.FalsePositives, metrics.TrueNegatives, metrics.FalseNegatives],
)
@pytest.mark.parametrize("thresholds", [None, [0.25, 0.5, 0.75], [0.0, 0.5, 1.0]])
def test_count_metrics(metric_class, thresholds, rng):
    index = [metrics.TruePositives, metrics.FalsePositives, metrics.TrueNegatives,
             metrics.FalseNegatives].index(metric_class)  # fmt: skip
    listed = [0.5] if thresholds is None else thresholds

    def reference(y_true, y_pred, weights):
        value = _counts(y_true, y_pred, listed, _per_sample(weights, y_pred))[index]
        return value[0] if len(listed) == 1 else value

    check_streaming(metric_class(thresholds=thresholds), _binary_batch, reference, rng, True)


def _auc_thresholds(num_thresholds=200, thresholds=None):
    if thresholds is None:
        thresholds = [(i + 1) / (num_thresholds - 1) for i in range(num_thresholds - 2)]
    return np.array([-EPSILON, *sorted(thresholds), 1 + EPSILON])


def _safe_divide(a, b):
    return np.where(b == 0, 0.0, a / np.where(b == 0, 1.0, b))


def _auc_from_counts(tp, fp, tn, fn, curve, summation):
    """Keras's AUC: a Riemann sum over thresholds, or the interpolated PR area."""
    if curve == "PR" and summation == "interpolation":
        predicted = tp + fp
        d_tp, d_predicted = tp[:-1] - tp[1:], predicted[:-1] - predicted[1:]
        slope = _safe_divide(d_tp, np.maximum(d_predicted, 0))
        intercept = tp[1:] - slope * predicted[1:]
        both = (predicted[:-1] > 0) & (predicted[1:] > 0)
        ratio = np.where(both, _safe_divide(predicted[:-1], np.maximum(predicted[1:], 0)), 1.0)
        return _safe_divide(slope * (d_tp + intercept * np.log(ratio)), tp[1:] + fn[1:])
    recall = _safe_divide(tp, tp + fn)
    if curve == "ROC":
        x, y = _safe_divide(fp, fp + tn), recall
    else:
        x, y = recall, _safe_divide(tp, tp + fp)
    pick = {"interpolation": lambda a, b: (a + b) / 2, "minoring": np.minimum,
            "majoring": np.maximum}[summation]  # fmt: skip
    return (x[:-1] - x[1:]) * pick(y[:-1], y[1:])


def _auc_reference(curve, summation, thresholds, multi_label=False):
    def reference(y_true, y_pred, weights):
        weights = _per_sample(weights, y_pred)
        if not multi_label:
            return _auc_from_counts(*_counts(y_true, y_pred, thresholds, weights), curve,
                                    summation).sum()  # fmt: skip
        counts = _counts(y_true, y_pred, thresholds, weights, axis=1)  # each (T, labels)
        return _auc_from_counts(*counts, curve, summation).sum(0).mean()

    return reference


AUC_CASES = [
    ({"curve": curve, "summation_method": summation}, _auc_reference(curve, summation,
                                                                     _auc_thresholds()))
    for curve in ("ROC", "PR")
    for summation in ("interpolation", "minoring", "majoring")
] + [
    ({"num_thresholds": 7}, _auc_reference("ROC", "interpolation", _auc_thresholds(7))),
    (  # uneven thresholds take the comparison path
        {"thresholds": [0.1, 0.45, 0.5, 0.9]},
        _auc_reference("ROC", "interpolation", _auc_thresholds(thresholds=[0.1, 0.45, 0.5, 0.9])),
    ),
    (
        {"curve": "PR", "thresholds": [0.3, 0.6]},
        _auc_reference("PR", "interpolation", _auc_thresholds(thresholds=[0.3, 0.6])),
    ),
    (
        {"multi_label": True},
        _auc_reference("ROC", "interpolation", _auc_thresholds(), multi_label=True),
    ),
    (
        {"multi_label": True, "curve": "PR", "num_labels": 3},
        _auc_reference("PR", "interpolation", _auc_thresholds(), multi_label=True),
    ),
]  # fmt: skip


@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize(
    ("kwargs", "reference"), AUC_CASES, ids=[str(kwargs) for kwargs, _ in AUC_CASES]
)  # ids from the arguments only: a function's repr changes run to run (pytest-xdist compares)
def test_auc_streams_like_numpy(kwargs, reference, weighted, rng):
    check_streaming(metrics.AUC(**kwargs), _binary_batch, reference, rng, weighted)


def test_auc_matches_the_rank_statistic_for_fine_thresholds(rng):
    y_true, y_pred = rng.integers(0, 2, size=400), rng.uniform(size=400)
    positives, negatives = y_pred[y_true == 1], y_pred[y_true == 0]
    exact = np.mean(positives[:, None] > negatives[None, :])
    metric = metrics.AUC(num_thresholds=2000)
    metric.update_state(y_true, y_pred)
    assert abs(float(metric.result()) - exact) < 2e-3


def test_auc_from_logits_and_label_weights(rng):
    y_true, logits = rng.integers(0, 2, size=(10, 3)), rng.standard_normal((10, 3))
    probabilities = 1 / (1 + np.exp(-logits))
    plain, from_logits = metrics.AUC(), metrics.AUC(from_logits=True)
    plain.update_state(y_true, probabilities)
    from_logits.update_state(y_true, logits)
    assert_close(from_logits.result(), plain.result(), 1e-5, 1e-6)
    weighted = metrics.AUC(multi_label=True, label_weights=[1.0, 0.0, 3.0])
    weighted.update_state(y_true, probabilities)
    counts = _counts(y_true, probabilities, _auc_thresholds(), 1.0, axis=1)
    per_label = _auc_from_counts(*counts, "ROC", "interpolation").sum(0)
    assert_close(weighted.result(), np.sum(per_label * [1, 0, 3]) / 4)


@pytest.mark.parametrize(
    "metric",
    [
        metrics.Precision(thresholds=[0.2, 0.7], name="p"),
        metrics.Recall(top_k=3, class_id=1),
        metrics.TruePositives(thresholds=0.4),
        metrics.AUC(num_thresholds=50, curve="PR", summation_method="majoring", name="auc_pr"),
        metrics.AUC(thresholds=[0.2, 0.6], multi_label=True, num_labels=2, label_weights=[1, 2]),
    ],
    ids=lambda m: m.name,
)
def test_config_round_trips(metric):
    check_config_roundtrip(metric)


def test_auc_config_has_keras_fields():
    config = metrics.AUC(curve="pr", summation_method="Minoring").get_config()
    assert (
        config.items()
        >= {
            "num_thresholds": 200,
            "curve": "PR",
            "summation_method": "minoring",
            "multi_label": False,
            "num_labels": None,
            "label_weights": None,
            "from_logits": False,
        }.items()
    )
    assert "thresholds" not in config


@pytest.mark.parametrize(
    ("build", "message"),
    [
        (lambda: metrics.AUC(num_thresholds=1), "num_thresholds"),
        (lambda: metrics.AUC(curve="PRC"), "curve"),
        (lambda: metrics.AUC(summation_method="trapezoid"), "summation_method"),
        (lambda: metrics.Precision(thresholds=[0.5, 1.5]), "Threshold values must be in"),
    ],
)
def test_bad_arguments(build, message):
    with pytest.raises(ValueError, match=message):
        build()


def test_shape_mismatch_and_class_id_errors(rng):
    with pytest.raises(ValueError, match=r"same shape.*\(4, 2\).*\(4, 3\)"):
        metrics.Precision().update_state(np.ones((4, 2)), rng.uniform(size=(4, 3)))
    with pytest.raises(ValueError, match="class_id"):
        metrics.Recall(class_id=1).update_state(np.ones(4), rng.uniform(size=4))
