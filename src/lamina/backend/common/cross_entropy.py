"""What every engine's cross-entropies share beyond their argument checks."""

from __future__ import annotations

from lamina.backend import config


def probability_bounds() -> tuple[float, float]:
    """``(epsilon, 1 - epsilon)``: as Keras, probabilities are clipped into this interval
    before a log in the cross-entropies, so that log(0) never happens."""
    epsilon = config.epsilon()
    return epsilon, 1.0 - epsilon
