"""A Keras mask carried by the predictions (Embedding(mask_zero=True) upstream) drops the
masked steps from losses and metrics, in direct calls and in fit/evaluate."""

from __future__ import annotations

import numpy as np
import pytest

import lamina
from lamina import layers, losses, metrics, ops
from lamina.backend.common.masking import set_keras_mask
from tests.harness import assert_close, to_numpy

RNG = np.random.default_rng(8)
IDS = np.array([[3, 5, 2, 0, 0], [4, 1, 0, 0, 0], [2, 2, 2, 2, 1]])
VALID = IDS != 0


def _masked_prediction(values):
    y_pred = ops.convert_to_tensor(values)
    set_keras_mask(y_pred, ops.convert_to_tensor(VALID))
    return y_pred


def test_loss_averages_over_valid_steps_only():
    y_true = RNG.normal(size=(3, 5, 2)).astype("float32")
    y_pred = RNG.normal(size=(3, 5, 2)).astype("float32")
    per_step = ((y_true.astype(np.float64) - y_pred) ** 2).mean(axis=-1)
    value = losses.MeanSquaredError()(y_true, _masked_prediction(y_pred))
    assert_close(to_numpy(value), per_step[VALID].mean(), rtol=1e-5)
    weights = RNG.uniform(0.5, 2.0, size=(3, 1)).astype("float32")
    weighted = losses.MeanSquaredError(reduction="sum")(
        y_true, _masked_prediction(y_pred), sample_weight=weights
    )
    assert_close(to_numpy(weighted), (per_step * weights * VALID).sum(), rtol=1e-5)


def test_metric_counts_valid_steps_only():
    y_true = RNG.integers(0, 4, size=(3, 5))
    scores = RNG.normal(size=(3, 5, 4)).astype("float32")
    metric = metrics.SparseCategoricalAccuracy()
    metric.update_state(y_true, _masked_prediction(scores))
    correct = scores.argmax(-1) == y_true
    assert_close(to_numpy(metric.result()), correct[VALID].mean(), rtol=1e-6)


@pytest.mark.training
def test_evaluate_ignores_padded_steps():
    inputs = lamina.Input((5,), dtype="int32")
    hidden = layers.Embedding(6, 4, mask_zero=True)(inputs)
    outputs = layers.Dense(3)(hidden)  # Dense passes the mask on to the predictions
    model = lamina.Model(inputs, outputs)
    model.compile(loss="mse", metrics=["mae"])
    y = RNG.normal(size=(3, 5, 3)).astype("float32")
    loss, mae = model.evaluate(IDS, y, verbose=0)
    pred = to_numpy(model.predict(IDS, verbose=0)).astype(np.float64)
    assert_close(loss, ((pred - y) ** 2).mean(-1)[VALID].mean(), rtol=1e-5)
    assert_close(mae, np.abs(pred - y).mean(-1)[VALID].mean(), rtol=1e-5)
    garbage = y.copy()
    garbage[~VALID] = 1e3  # targets at padded steps do not matter
    assert_close(model.evaluate(IDS, garbage, verbose=0)[0], loss, rtol=1e-5)
