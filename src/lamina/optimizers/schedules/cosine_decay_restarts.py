"""CosineDecayRestarts: cosine decay that restarts, each period ``t_mul`` times longer."""

from __future__ import annotations

import math

from lamina import ops
from lamina.optimizers.schedules.learning_rate_schedule import (
    LearningRateSchedule,
    float_step,
    require_positive,
)


class CosineDecayRestarts(LearningRateSchedule):
    """SGDR, stochastic gradient descent with warm restarts (Loshchilov & Hutter, 2017).

    The first period lasts ``first_decay_steps``; period ``i`` (from 0) lasts
    ``first_decay_steps * t_mul**i``. Within it, at fraction ``f`` of it, the rate is
    ``initial_learning_rate * (m_mul**i * (1 - alpha) * 0.5 * (1 + cos(pi * f)) + alpha)``
    (as Keras: ``m_mul`` shrinks the cosine part only, not the floor).
    """

    def __init__(
        self,
        initial_learning_rate,
        first_decay_steps,
        t_mul=2.0,
        m_mul=1.0,
        alpha=0.0,
        name="SGDRDecay",
    ):
        require_positive("first_decay_steps", first_decay_steps)
        require_positive("t_mul", t_mul)
        self.initial_learning_rate = initial_learning_rate
        self.first_decay_steps = first_decay_steps
        self._t_mul = t_mul
        self._m_mul = m_mul
        self.alpha = alpha
        self.name = name

    def _restart_and_fraction(self, periods):
        """(index of the current period, fraction of it done) from ``periods``, the step in
        units of the first period."""
        t_mul = float(self._t_mul)
        if t_mul == 1.0:  # a Python constant: no device-side `cond` needed
            restart = ops.floor(periods)
            return restart, ops.subtract(periods, restart)
        # Periods 0..i-1 together last (1 - t_mul**i) / (1 - t_mul) first periods.
        restart = ops.floor(
            ops.divide(
                ops.log(ops.subtract(1.0, ops.multiply(periods, 1.0 - t_mul))), math.log(t_mul)
            )
        )
        scale = ops.power(t_mul, restart)
        done = ops.divide(ops.subtract(1.0, scale), 1.0 - t_mul)
        return restart, ops.divide(ops.subtract(periods, done), scale)

    def __call__(self, step):
        periods = ops.divide(float_step(step, self.initial_learning_rate), self.first_decay_steps)
        restart, fraction = self._restart_and_fraction(periods)
        cosine = ops.multiply(ops.add(ops.cos(ops.multiply(fraction, math.pi)), 1.0), 0.5)
        cosine = ops.multiply(cosine, ops.power(float(self._m_mul), restart))
        decayed = ops.add(ops.multiply(cosine, 1.0 - self.alpha), self.alpha)
        return ops.multiply(decayed, self.initial_learning_rate)

    def get_config(self) -> dict:
        return {
            "initial_learning_rate": self.initial_learning_rate,
            "first_decay_steps": self.first_decay_steps,
            "t_mul": self._t_mul,
            "m_mul": self._m_mul,
            "alpha": self.alpha,
            "name": self.name,
        }
