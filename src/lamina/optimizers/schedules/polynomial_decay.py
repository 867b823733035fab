"""PolynomialDecay: from the initial to the end learning rate along ``(1 - p)**power``."""

from __future__ import annotations

from lamina import ops
from lamina.optimizers.schedules.learning_rate_schedule import (
    LearningRateSchedule,
    float_step,
    require_positive,
)


class PolynomialDecay(LearningRateSchedule):
    """``(initial - end) * (1 - step / decay_steps)**power + end``, then ``end``.

    With ``cycle=True`` the decay restarts instead of stopping: ``decay_steps`` is
    stretched to the first multiple of itself at or above ``step`` (``decay_steps`` itself
    at step 0).

    >>> schedule = PolynomialDecay(0.1, decay_steps=10, end_learning_rate=0.0, power=2.0)
    >>> round(float(ops.convert_to_numpy(schedule(5))), 6)  # 0.1 * 0.5**2
    0.025
    """

    def __init__(
        self,
        initial_learning_rate,
        decay_steps,
        end_learning_rate=0.0001,
        power=1.0,
        cycle=False,
        name="PolynomialDecay",
    ):
        require_positive("decay_steps", decay_steps)
        self.initial_learning_rate = initial_learning_rate
        self.decay_steps = decay_steps
        self.end_learning_rate = end_learning_rate
        self.power = power
        self.cycle = cycle
        self.name = name

    def __call__(self, step):
        step = float_step(step, self.initial_learning_rate)
        if self.cycle:
            # `maximum(.., 1)` is Keras's "multiplier 1 at step 0"; for steps > 0 ceil >= 1.
            periods = ops.maximum(ops.ceil(ops.divide(step, float(self.decay_steps))), 1.0)
            fraction = ops.divide(step, ops.multiply(periods, float(self.decay_steps)))
        else:
            fraction = ops.divide(ops.minimum(step, float(self.decay_steps)), self.decay_steps)
        remaining = ops.power(ops.subtract(1.0, fraction), self.power)
        span = self.initial_learning_rate - self.end_learning_rate
        return ops.add(ops.multiply(remaining, span), self.end_learning_rate)

    def get_config(self) -> dict:
        return {
            "initial_learning_rate": self.initial_learning_rate,
            "decay_steps": self.decay_steps,
            "end_learning_rate": self.end_learning_rate,
            "power": self.power,
            "cycle": self.cycle,
            "name": self.name,
        }
