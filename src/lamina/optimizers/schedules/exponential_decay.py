"""ExponentialDecay: ``initial_learning_rate * decay_rate ** (step / decay_steps)``."""

from __future__ import annotations

from lamina import ops
from lamina.optimizers.schedules.learning_rate_schedule import (
    LearningRateSchedule,
    float_step,
    require_positive,
)


class ExponentialDecay(LearningRateSchedule):
    """Multiply the learning rate by ``decay_rate`` every ``decay_steps`` steps.

    With ``staircase=True`` the exponent ``step / decay_steps`` is floored, so the rate
    drops in discrete steps.

    >>> schedule = ExponentialDecay(0.1, decay_steps=10, decay_rate=0.5)
    >>> float(ops.convert_to_numpy(schedule(20)))  # 0.1 * 0.5 ** 2
    0.025
    """

    def __init__(
        self,
        initial_learning_rate,
        decay_steps,
        decay_rate,
        staircase=False,
        name="ExponentialDecay",
    ):
        require_positive("decay_steps", decay_steps)
        self.initial_learning_rate = initial_learning_rate
        self.decay_steps = decay_steps
        self.decay_rate = decay_rate
        self.staircase = staircase
        self.name = name

    def __call__(self, step):
        exponent = ops.divide(float_step(step, self.initial_learning_rate), self.decay_steps)
        if self.staircase:
            exponent = ops.floor(exponent)
        return ops.multiply(ops.power(self.decay_rate, exponent), self.initial_learning_rate)

    def get_config(self) -> dict:
        return {
            "initial_learning_rate": self.initial_learning_rate,
            "decay_steps": self.decay_steps,
            "decay_rate": self.decay_rate,
            "staircase": self.staircase,
            "name": self.name,
        }
