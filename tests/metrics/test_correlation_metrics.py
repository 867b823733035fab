import numpy as np
import pytest

from lamina import metrics
from tests.harness import assert_close, check_config_roundtrip
from tests.metrics.streaming import check_streaming, weighted_mean


def _pearson(t, p, axis=-1):
    tc, pc = t - t.mean(axis, keepdims=True), p - p.mean(axis, keepdims=True)
    return np.sum(tc * pc, axis) / np.sqrt(np.sum(tc**2, axis) * np.sum(pc**2, axis))


def _concordance(t, p, axis=-1):
    covariance = np.mean((t - t.mean(axis, keepdims=True)) * (p - p.mean(axis, keepdims=True)),
                         axis)  # fmt: skip
    norm = t.var(axis) + p.var(axis) + (t.mean(axis) - p.mean(axis)) ** 2
    return 2 * covariance / (norm + 1e-7)


def _batch(rng):
    y_true = rng.standard_normal((6, 5))
    return y_true, y_true + rng.standard_normal((6, 5))  # correlated, not identical


@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize(
    ("metric_class", "function"),
    [(metrics.PearsonCorrelation, _pearson), (metrics.ConcordanceCorrelation, _concordance)],
    ids=["pearson", "concordance"],
)
def test_streams_like_numpy(metric_class, function, weighted, rng):
    reference = lambda t, p, w: weighted_mean(function(t, p), w)  # noqa: E731
    check_streaming(metric_class(), _batch, reference, rng, weighted)
    config = check_config_roundtrip(metric_class(name="c", axis=0)).get_config()
    assert config == {"name": "c", "dtype": "float32", "axis": 0}


@pytest.mark.parametrize(
    ("function", "reference"),
    [
        (metrics.pearson_correlation, _pearson),
        (metrics.concordance_correlation, _concordance),
    ],
)
def test_functions_along_an_axis(function, reference, rng):
    y_true, y_pred = _batch(rng)
    assert_close(function(y_true, y_pred), reference(y_true, y_pred), 1e-5, 1e-6)
    assert_close(function(y_true, y_pred, axis=0), reference(y_true, y_pred, axis=0), 1e-5, 1e-6)
