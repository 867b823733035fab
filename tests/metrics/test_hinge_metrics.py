import numpy as np
import pytest

from lamina import metrics
from tests.harness import check_config_roundtrip
from tests.metrics.streaming import check_streaming, weighted_mean


def _signed_batch(rng):
    return rng.integers(0, 2, size=(6, 3)).astype("float32"), rng.standard_normal((6, 3))


def _one_hot_batch(rng):
    return np.eye(3)[rng.integers(0, 3, size=6)], rng.standard_normal((6, 3))


def _hinge(t, p):
    return np.maximum(1 - (2 * t - 1) * p, 0)  # 0/1 labels count as -1/1


def _categorical_hinge(t, p):
    return np.maximum(np.max((1 - t) * p, -1) - np.sum(t * p, -1) + 1, 0)


CASES = [
    (metrics.Hinge, _signed_batch, lambda t, p, w: weighted_mean(_hinge(t, p).mean(-1), w)),
    (
        metrics.SquaredHinge,
        _signed_batch,
        lambda t, p, w: weighted_mean((_hinge(t, p) ** 2).mean(-1), w),
    ),
    (
        metrics.CategoricalHinge,
        _one_hot_batch,
        lambda t, p, w: weighted_mean(_categorical_hinge(t, p), w),
    ),
]


@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize(
    ("metric_class", "make_batch", "reference"), CASES, ids=lambda c: getattr(c, "__name__", "")
)
def test_streams_like_numpy(metric_class, make_batch, reference, weighted, rng):
    check_streaming(metric_class(), make_batch, reference, rng, weighted)
    clone = check_config_roundtrip(metric_class(name="h"))
    assert clone.get_config() == {"name": "h", "dtype": "float32"}
