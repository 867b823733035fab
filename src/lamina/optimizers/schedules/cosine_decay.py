"""CosineDecay: an optional linear warmup, then a cosine curve down to ``alpha`` times the peak."""

from __future__ import annotations

import math

from lamina import ops
from lamina.optimizers.schedules.learning_rate_schedule import (
    LearningRateSchedule,
    float_step,
    require_positive,
)


class CosineDecay(LearningRateSchedule):
    """Cosine decay over ``decay_steps``, after ``warmup_steps`` of linear warmup.

    Without ``warmup_target`` the rate decays from ``initial_learning_rate``. With it, the
    rate rises linearly from ``initial_learning_rate`` to ``warmup_target`` over
    ``warmup_steps``, then decays from ``warmup_target``. After the decay it stays at
    ``alpha`` times the rate it decayed from (SGDR, Loshchilov & Hutter 2017, without
    restarts).
    """

    def __init__(
        self,
        initial_learning_rate,
        decay_steps,
        alpha=0.0,
        name="CosineDecay",
        warmup_target=None,
        warmup_steps=0,
    ):
        require_positive("decay_steps", decay_steps)
        if isinstance(warmup_steps, bool) or not isinstance(warmup_steps, int) or warmup_steps < 0:
            raise ValueError(
                f"Argument `warmup_steps` must be an integer >= 0. Received: "
                f"warmup_steps={warmup_steps!r}"
            )
        self.initial_learning_rate = initial_learning_rate
        self.decay_steps = decay_steps
        self.alpha = alpha
        self.name = name
        self.warmup_target = warmup_target
        self.warmup_steps = warmup_steps

    def _decay(self, step, decay_from):
        completed_fraction = ops.divide(step, self.decay_steps)
        cosine = ops.multiply(ops.add(ops.cos(ops.multiply(completed_fraction, math.pi)), 1.0), 0.5)
        return ops.multiply(ops.add(ops.multiply(cosine, 1.0 - self.alpha), self.alpha), decay_from)

    def __call__(self, step):
        step = float_step(step, self.initial_learning_rate)
        if self.warmup_target is None:
            step = ops.minimum(step, float(self.decay_steps))
            return self._decay(step, self.initial_learning_rate)

        step = ops.minimum(step, float(self.decay_steps + self.warmup_steps))
        decayed = self._decay(ops.subtract(step, float(self.warmup_steps)), self.warmup_target)
        if self.warmup_steps == 0:
            return decayed
        # Both branches are computed and selected with `where`, not `cond`: a branch on a
        # tensor would read the step back to the host on every training step.
        rise = self.warmup_target - self.initial_learning_rate
        warmed = ops.add(
            ops.multiply(ops.divide(step, float(self.warmup_steps)), rise),
            self.initial_learning_rate,
        )
        return ops.where(ops.less(step, float(self.warmup_steps)), warmed, decayed)

    def get_config(self) -> dict:
        return {
            "initial_learning_rate": self.initial_learning_rate,
            "decay_steps": self.decay_steps,
            "alpha": self.alpha,
            "name": self.name,
            "warmup_target": self.warmup_target,
            "warmup_steps": self.warmup_steps,
        }
