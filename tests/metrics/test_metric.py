import numpy as np
import pytest

from lamina import backend, metrics, ops


class CountPositives(metrics.Metric):
    """A subclass the Keras way."""

    def __init__(self, name="count_positives", dtype=None):
        super().__init__(name=name, dtype=dtype)
        self.count = self.add_variable((), "zeros", name="count")

    def update_state(self, values):
        self.count.assign_add(ops.sum(ops.cast(ops.greater(values, 0), self.dtype)))

    def result(self):
        return self.count.value + 0


def test_state_is_non_trainable_variables_scoped_by_name():
    metric = CountPositives()
    (variable,) = metric.variables
    assert isinstance(variable, backend.Variable)
    assert not variable.trainable
    assert variable.path == "count_positives/count"
    assert variable.dtype == backend.floatx()


def test_call_updates_then_returns_result_and_reset_zeroes(rng):
    metric = CountPositives()
    values = rng.standard_normal(20)
    assert float(metric(values)) == np.sum(values > 0)
    metric.update_state(values)
    assert float(metric.result()) == 2 * np.sum(values > 0)
    metric.reset_state()
    assert float(metric.result()) == 0.0


def test_update_state_never_reads_back_to_the_host(monkeypatch, rng):
    def refuse(*args, **kwargs):
        raise AssertionError("update_state converted a tensor to NumPy")

    monkeypatch.setattr(backend.engine.core, "convert_to_numpy", refuse)
    for metric in (metrics.Mean(), metrics.AUC(), metrics.Precision(top_k=2), metrics.Accuracy()):
        y_true = rng.integers(0, 2, size=(4, 3))
        y_pred = rng.uniform(size=(4, 3))
        if type(metric) is metrics.Mean:
            assert metric.update_state(y_pred) is None
        else:
            metric.update_state(y_true, y_pred, sample_weight=rng.uniform(size=4))
        assert backend.is_tensor(metric.result())


def test_config_and_dtype():
    metric = CountPositives(name="positives", dtype="float64")
    assert metric.get_config() == {"name": "positives", "dtype": "float64"}
    assert metric.variables[0].dtype == "float64"
    assert CountPositives.from_config(metric.get_config()).name == "positives"


def test_base_class_methods_must_be_implemented():
    with pytest.raises(NotImplementedError, match="update_state"):
        metrics.Metric().update_state(1.0)
