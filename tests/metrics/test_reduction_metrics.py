import numpy as np
import pytest

from lamina import losses, metrics, ops
from tests.harness import assert_close, check_config_roundtrip


@pytest.mark.parametrize("weight_shape", [None, (6,), (6, 1), (6, 4)])
def test_mean_and_sum_stream_weighted_values(weight_shape, rng):
    mean, total = metrics.Mean(), metrics.Sum()
    all_values, all_weights = [], []
    for _ in range(3):
        values = rng.standard_normal((6, 4))
        if weight_shape is None:
            weights = np.ones((6, 1))
            mean.update_state(values)
            total.update_state(values)
        else:
            weights = rng.uniform(0.1, 2.0, size=weight_shape)
            mean.update_state(values, sample_weight=weights)
            total.update_state(values, sample_weight=weights)
        weights = np.broadcast_to(weights.reshape(6, -1), (6, 4))
        all_values.append(values)
        all_weights.append(weights)
    values, weights = np.concatenate(all_values), np.concatenate(all_weights)
    if weight_shape in (None, (6,), (6, 1)):  # one weight per sample: per-sample means
        per_sample = values.mean(-1)
        expected_mean = np.sum(per_sample * weights[:, 0]) / np.sum(weights[:, 0])
        expected_sum = np.sum(values * weights)
    else:  # one weight per entry
        expected_mean = np.sum(values * weights) / np.sum(weights)
        expected_sum = np.sum(values * weights)
    assert_close(mean.result(), expected_mean)
    assert_close(total.result(), expected_sum, rtol=1e-5, atol=1e-5)
    mean.reset_state()
    total.reset_state()
    assert float(mean.result()) == 0.0
    assert float(total.result()) == 0.0


def test_mean_of_scalars_counts_each_update():
    mean = metrics.Mean()
    for value in (1.0, 2.0, 6.0):
        mean.update_state(value)
    assert_close(mean.result(), 3.0)


def test_result_is_a_snapshot():
    total = metrics.Sum()
    total.update_state([1.0, 2.0])
    first = total.result()
    total.update_state([10.0])
    assert_close(first, 3.0)


def test_mean_metric_wrapper_streams_a_function_and_round_trips(rng):
    metric = metrics.MeanMetricWrapper(losses.huber, name="huber_metric", delta=0.5)
    batches = [(rng.standard_normal((5, 3)), rng.standard_normal((5, 3))) for _ in range(2)]
    for y_true, y_pred in batches:
        metric.update_state(y_true, y_pred)
    y_true = np.concatenate([b[0] for b in batches])
    y_pred = np.concatenate([b[1] for b in batches])
    expected = np.mean(ops.convert_to_numpy(losses.huber(y_true, y_pred, delta=0.5)))
    assert_close(metric.result(), expected)
    config = metric.get_config()
    assert config == {"name": "huber_metric", "dtype": "float32", "delta": 0.5, "fn": "huber"}
    clone = check_config_roundtrip(metric)
    assert clone._fn is losses.huber


@pytest.mark.parametrize("metric_class", [metrics.Mean, metrics.Sum])
def test_config_round_trips(metric_class):
    clone = check_config_roundtrip(metric_class(name="m", dtype="float64"))
    assert clone.dtype == "float64"
