"""InverseTimeDecay: ``initial_learning_rate / (1 + decay_rate * step / decay_steps)``."""

from __future__ import annotations

from lamina import ops
from lamina.optimizers.schedules.learning_rate_schedule import (
    LearningRateSchedule,
    float_step,
    require_positive,
)


class InverseTimeDecay(LearningRateSchedule):
    """Decay the learning rate as ``1 / (1 + decay_rate * step / decay_steps)``.

    With ``staircase=True`` the ratio ``step / decay_steps`` is floored, so the rate drops
    in discrete steps.

    >>> schedule = InverseTimeDecay(0.1, decay_steps=10, decay_rate=0.5)
    >>> round(float(ops.convert_to_numpy(schedule(20))), 6)  # 0.1 / (1 + 0.5 * 2)
    0.05
    """

    def __init__(
        self,
        initial_learning_rate,
        decay_steps,
        decay_rate,
        staircase=False,
        name="InverseTimeDecay",
    ):
        require_positive("decay_steps", decay_steps)
        self.initial_learning_rate = initial_learning_rate
        self.decay_steps = decay_steps
        self.decay_rate = decay_rate
        self.staircase = staircase
        self.name = name

    def __call__(self, step):
        ratio = ops.divide(float_step(step, self.initial_learning_rate), self.decay_steps)
        if self.staircase:
            ratio = ops.floor(ratio)
        return ops.divide(
            self.initial_learning_rate, ops.add(ops.multiply(ratio, self.decay_rate), 1.0)
        )

    def get_config(self) -> dict:
        return {
            "initial_learning_rate": self.initial_learning_rate,
            "decay_steps": self.decay_steps,
            "decay_rate": self.decay_rate,
            "staircase": self.staircase,
            "name": self.name,
        }
