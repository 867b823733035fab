"""Approximate quantiles for Discretization.adapt, batch by batch, in bounded memory.

The same summary Keras 3 keeps, so that adapted boundaries equal Keras's: a summary is a
``(2, n)`` float32 array of sorted values (row 0) and the number of samples each stands for
(row 1). A batch is summarized by every ``len / (1 / epsilon)``-th sorted value; summaries
merge by concatenation and re-sorting, and shrink back to about ``1 / epsilon`` points by
interpolating values at evenly spaced cumulative-weight fractions.
"""

from __future__ import annotations

import numpy as np


def empty_summary() -> np.ndarray:
    return np.zeros((2, 0), dtype="float32")


def summarize(values, epsilon: float) -> np.ndarray:
    """About ``1 / epsilon`` evenly spaced order statistics of ``values``, each weighted by
    the number of samples it stands for (all values when there are fewer)."""
    ordered = np.sort(np.reshape(np.asarray(values, dtype="float32"), -1))
    step = max(ordered.size / (1.0 / epsilon), 1)  # Keras's rounding: bins must equal its
    picked = ordered[int(step - 1) :: int(step)]
    return np.stack([picked, np.full_like(picked, step)])


def compress(summary: np.ndarray, epsilon: float) -> np.ndarray:
    """Resample ``summary`` at cumulative-weight fractions ``epsilon, 2 * epsilon, ...``."""
    if summary.shape[1] * epsilon < 1:
        return summary
    fractions = np.arange(0.0, 1.0, epsilon) + epsilon
    cumulative = np.cumsum(summary[1])
    cumulative_fraction = cumulative / cumulative[-1]
    values = np.interp(fractions, cumulative_fraction, summary[0])
    new_cumulative = np.interp(fractions, cumulative_fraction, cumulative)
    weights = np.diff(new_cumulative, prepend=0.0)
    return np.stack([values, weights]).astype("float32")


def merge_summaries(first: np.ndarray, second: np.ndarray, epsilon: float) -> np.ndarray:
    merged = np.concatenate([first, second], axis=1)
    merged = merged[:, np.argsort(merged[0])]
    return compress(merged, epsilon)


def bin_boundaries_from_summary(summary: np.ndarray, num_bins: int) -> np.ndarray:
    """The ``num_bins - 1`` inner boundaries: the summary resampled at ``1 / num_bins``
    steps, without the last point (the maximum)."""
    return compress(summary, 1.0 / num_bins)[0, :-1]
