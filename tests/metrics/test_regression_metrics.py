import numpy as np
import pytest

from lamina import metrics
from tests.harness import check_config_roundtrip
from tests.metrics.streaming import check_streaming, weighted_mean


def _batch(rng):
    return rng.standard_normal((6, 3)), rng.standard_normal((6, 3))


CASES = [
    (metrics.MeanSquaredError, lambda t, p, w: weighted_mean(((t - p) ** 2).mean(-1), w)),
    (metrics.MeanAbsoluteError, lambda t, p, w: weighted_mean(np.abs(t - p).mean(-1), w)),
    (
        metrics.RootMeanSquaredError,
        lambda t, p, w: np.sqrt(weighted_mean(((t - p) ** 2).mean(-1), w)),
    ),
]


@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize(
    ("metric_class", "reference"), CASES, ids=lambda c: getattr(c, "__name__", "")
)
def test_streams_like_numpy(metric_class, reference, weighted, rng):
    check_streaming(metric_class(), _batch, reference, rng, weighted)


@pytest.mark.parametrize(
    ("metric_class", "reference"), CASES, ids=lambda c: getattr(c, "__name__", "")
)
def test_config_round_trips(metric_class, reference):
    assert check_config_roundtrip(metric_class(name="r")).get_config() == {
        "name": "r",
        "dtype": "float32",
    }


def _positive_batch(rng):
    return rng.uniform(0.5, 2.0, (6, 3)), rng.uniform(0.5, 2.0, (6, 3))


POSITIVE_CASES = [
    (
        metrics.MeanAbsolutePercentageError,
        lambda t, p, w: weighted_mean(100 * (np.abs(t - p) / np.abs(t)).mean(-1), w),
    ),
    (
        metrics.MeanSquaredLogarithmicError,
        lambda t, p, w: weighted_mean(((np.log1p(t) - np.log1p(p)) ** 2).mean(-1), w),
    ),
]


@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize(
    ("metric_class", "reference"), POSITIVE_CASES, ids=lambda c: getattr(c, "__name__", "")
)
def test_percentage_and_log_errors_stream_like_numpy(metric_class, reference, weighted, rng):
    check_streaming(metric_class(), _positive_batch, reference, rng, weighted)
    check_config_roundtrip(metric_class(name="r"))


@pytest.mark.parametrize(
    ("name", "metric_class"),
    [
        ("mape", metrics.MeanAbsolutePercentageError),
        ("msle", metrics.MeanSquaredLogarithmicError),
    ],
)
def test_short_names_give_the_classes(name, metric_class):
    assert isinstance(metrics.get(name), metric_class)


def _cosine(t, p):
    t = t / np.linalg.norm(t, axis=-1, keepdims=True)
    return np.sum(t * p / np.linalg.norm(p, axis=-1, keepdims=True), axis=-1)


@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize(
    ("metric_class", "reference"),
    [
        (metrics.LogCoshError, lambda t, p, w: weighted_mean(np.log(np.cosh(p - t)).mean(-1), w)),
        (metrics.CosineSimilarity, lambda t, p, w: weighted_mean(_cosine(t, p), w)),
    ],
    ids=["logcosh", "cosine_similarity"],
)
def test_log_cosh_and_cosine_stream_like_numpy(metric_class, reference, weighted, rng):
    check_streaming(metric_class(), _batch, reference, rng, weighted)


def test_log_cosh_and_cosine_configs():
    assert metrics.LogCoshError().name == "logcosh"
    assert check_config_roundtrip(metrics.LogCoshError(name="l")).get_config() == {
        "name": "l",
        "dtype": "float32",
    }
    # Keras's config leaves out axis (so its round trip loses it); ours keeps it.
    config = check_config_roundtrip(metrics.CosineSimilarity(axis=0)).get_config()
    assert config == {"name": "cosine_similarity", "dtype": "float32", "axis": 0}


def _r2_reference(class_aggregation="uniform_average", num_regressors=0):
    def reference(y_true, y_pred, weights):
        weights = weights[:, None]
        mean = np.sum(weights * y_true, 0) / np.sum(weights, 0)
        total = np.sum(weights * (y_true - mean) ** 2, 0)
        scores = 1 - np.sum(weights * (y_true - y_pred) ** 2, 0) / total
        if class_aggregation == "uniform_average":
            scores = scores.mean()
        elif class_aggregation == "variance_weighted_average":
            scores = np.sum(total * scores) / np.sum(total)
        n = y_true.size  # Keras counts target entries, not rows
        if num_regressors and n - num_regressors - 1 > 0:
            scores = 1 - (1 - scores) * (n - 1) / (n - num_regressors - 1)
        return scores

    return reference


@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize(
    "kwargs",
    [
        {},
        {"class_aggregation": None},
        {"class_aggregation": "variance_weighted_average", "num_regressors": 2},
        {"num_regressors": 100},  # more regressors than samples: the plain score
    ],
    ids=str,
)
def test_r2_score_streams_like_numpy(kwargs, weighted, rng):
    def batch(rng):
        y_true = rng.standard_normal((6, 3))
        return y_true, y_true + 0.5 * rng.standard_normal((6, 3))

    check_streaming(metrics.R2Score(**kwargs), batch, _r2_reference(**kwargs), rng, weighted)


def test_r2_score_config_variables_and_errors(rng):
    metric = check_config_roundtrip(metrics.R2Score("variance_weighted_average", 3, name="r2"))
    assert metric.get_config() == {"name": "r2", "dtype": "float32",
                                   "class_aggregation": "variance_weighted_average",
                                   "num_regressors": 3}  # fmt: skip
    metric.update_state(rng.standard_normal((4, 2)), rng.standard_normal((4, 2)))
    assert [v.name for v in metric.variables] == [
        "num_samples", "squared_sum", "sum", "residual", "count"
    ]  # fmt: skip
    with pytest.raises(ValueError, match="class_aggregation"):
        metrics.R2Score(class_aggregation="mean")
    with pytest.raises(ValueError, match="num_regressors"):
        metrics.R2Score(num_regressors=-1)
    with pytest.raises(ValueError, match=r"2D inputs.*\(4, 2, 1\)"):
        metrics.R2Score().update_state(np.ones((4, 2, 1)), np.ones((4, 2, 1)))
