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
