"""The stateless metric methods: ``stateless_update_state``, ``stateless_result``,
``stateless_reset_state`` (and the trainer's compiled metrics, which have them too)."""

import numpy as np
import pytest

from lamina import metrics
from lamina.trainers.compile_utils import CompileMetrics
from tests.harness import assert_close, to_numpy


def values_of(metric):
    return [variable.value for variable in metric.variables]


@pytest.mark.parametrize(
    ("make_metric", "args"),
    [
        (lambda: metrics.Mean(), lambda r: (r.random(8), r.random(8))),
        (lambda: metrics.Sum(), lambda r: (r.random(8),)),
        (lambda: metrics.MeanAbsoluteError(), lambda r: (r.random((8, 2)), r.random((8, 2)))),
        (lambda: metrics.RootMeanSquaredError(), lambda r: (r.random(8), r.random(8))),
        (
            lambda: metrics.BinaryAccuracy(),
            lambda r: ((r.random((8, 1)) > 0.5).astype("float32"), r.random((8, 1))),
        ),
        (
            lambda: metrics.Precision(thresholds=[0.3, 0.7]),
            lambda r: ((r.random(8) > 0.5).astype("float32"), r.random(8)),
        ),
    ],
    ids=["mean", "sum", "mae", "rmse", "binary_accuracy", "precision"],
)
def test_equal_the_stateful_methods_and_change_nothing(make_metric, args, rng):
    batches = [args(rng) for _ in range(3)]
    stateful, metric = make_metric(), make_metric()
    state = values_of(metric)
    for batch in batches:
        stateful.update_state(*batch)
        state = metric.stateless_update_state(state, *batch)
    assert len(state) == len(metric.variables)
    for value, expected in zip(state, stateful.variables):
        assert_close(value, expected)
    assert_close(metric.stateless_result(state), stateful.result())
    # The metric itself still holds its initial (zero) state.
    for variable in metric.variables:
        assert float(np.abs(to_numpy(variable)).sum()) == 0.0
    assert float(np.abs(to_numpy(metric.result())).sum()) == 0.0
    # Reset: the zeros, without touching the stateful metric's totals.
    reset = stateful.stateless_reset_state()
    for value in reset:
        assert float(np.abs(to_numpy(value)).sum()) == 0.0
    assert_close(stateful.stateless_result(state), stateful.result())
    assert float(np.abs(to_numpy(stateful.variables[0])).sum()) > 0.0


def test_sample_weight_and_kwargs_pass_through(rng):
    metric = metrics.Mean()
    values, weights = rng.random(6), rng.random(6)
    state = metric.stateless_update_state(values_of(metric), values, sample_weight=weights)
    expected = float(np.sum(values * weights) / np.sum(weights))
    assert float(to_numpy(metric.stateless_result(state))) == pytest.approx(expected, rel=1e-5)


@pytest.mark.engine("jax")
def test_under_jit(rng):
    import jax

    metric = metrics.MeanSquaredError()
    y_true, y_pred = rng.random((4, 3)), rng.random((4, 3))

    @jax.jit
    def update(state, y_true, y_pred):
        state = metric.stateless_update_state(state, y_true, y_pred)
        return state, metric.stateless_result(state)

    state, result = update(values_of(metric), y_true, y_pred)
    state, result = update(state, y_true, y_pred)
    assert float(result) == pytest.approx(float(np.mean((y_true - y_pred) ** 2)), rel=1e-5)
    assert float(to_numpy(metric.count)) == 0.0


def test_one_value_per_variable():
    metric = metrics.Mean(name="m")
    with pytest.raises(ValueError, match=r"Metric 'm': stateless_update_state expects 2 values"):
        metric.stateless_update_state([metric.total.value], 1.0)
    with pytest.raises(ValueError, match="stateless_result expects 2 values"):
        metric.stateless_result([])


def test_compiled_metrics_have_them_and_return_dict_results(rng):
    compiled = CompileMetrics(["mae", "mse"], None)
    y_true, y_pred = rng.random((5, 1)), rng.random((5, 1))
    compiled.build(y_true, y_pred)
    state = compiled.stateless_update_state(values_of(compiled), y_true, y_pred)
    result = compiled.stateless_result(state)
    assert set(result) == {"mae", "mse"}
    assert float(result["mae"]) == pytest.approx(float(np.mean(np.abs(y_true - y_pred))), 1e-5)
    assert float(to_numpy(compiled.result()["mae"])) == 0.0
    assert len(compiled.stateless_reset_state()) == len(compiled.variables) == 4
