"""The issue-8 metrics inside compile/fit/evaluate: built lazily on the first step (under
JAX's recording call), updated inside the compiled step, equal to the stand-alone metric."""

import numpy as np
import pytest

import lamina as keras
from lamina import layers, metrics
from tests.harness import to_numpy

pytestmark = pytest.mark.training


def _make_metrics():
    return [
        metrics.F1Score(average="macro"),
        metrics.OneHotMeanIoU(3, name="mean_iou"),
        metrics.PrecisionAtRecall(0.5, num_thresholds=20, name="precision_at_recall"),
        metrics.R2Score(),
        metrics.CategoricalHinge(),
    ]


def test_fit_and_evaluate_report_the_metrics(rng):
    x = rng.standard_normal((32, 4)).astype("float32")
    y = np.eye(3, dtype="float32")[rng.integers(0, 3, 32)]
    model = keras.Sequential([keras.Input(shape=(4,)), layers.Dense(3, activation="softmax")])
    model.compile(optimizer="adam", loss="categorical_crossentropy", metrics=_make_metrics())
    history = model.fit(x, y, batch_size=16, epochs=2, verbose=0)
    names = [m.name for m in _make_metrics()]
    assert set(names) <= set(history.history)
    assert all(np.isfinite(history.history[name]).all() for name in names)
    logs = model.evaluate(x, y, batch_size=32, verbose=0, return_dict=True)
    predictions = model.predict(x, batch_size=32, verbose=0)
    for metric in _make_metrics():
        metric.update_state(y, predictions)
        expected = float(to_numpy(metric.result()))
        assert logs[metric.name] == pytest.approx(expected, rel=1e-5, abs=1e-6), metric.name
