"""Shared check: a metric fed several weighted batches equals its NumPy reference on all the
data at once, and ``reset_state`` starts it afresh."""

from __future__ import annotations

import numpy as np

from tests.harness import assert_close

NUM_BATCHES = 3


def weighted_mean(per_sample, sample_weight):
    return np.sum(per_sample * sample_weight) / np.sum(sample_weight)


def check_streaming(metric, make_batch, reference, rng, weighted):
    """``reference(y_true, y_pred, sample_weight)`` gets all batches concatenated."""
    batches = [make_batch(rng) for _ in range(NUM_BATCHES)]
    weights = [rng.uniform(0.1, 2.0, size=len(b[1])) if weighted else None for b in batches]
    for (y_true, y_pred), sample_weight in zip(batches, weights):
        metric.update_state(y_true, y_pred, sample_weight=sample_weight)
    y_true = np.concatenate([b[0] for b in batches])
    y_pred = np.concatenate([b[1] for b in batches])
    all_weights = np.concatenate(weights) if weighted else np.ones(len(y_pred))
    assert_close(metric.result(), reference(y_true, y_pred, all_weights), 1e-5, 1e-5)
    metric.reset_state()
    for variable in metric.variables:
        assert not np.any(np.asarray(variable))
    y_true, y_pred = batches[0]
    metric.update_state(y_true, y_pred)
    assert_close(metric.result(), reference(y_true, y_pred, np.ones(len(y_pred))), 1e-5, 1e-5)
