"""PiecewiseConstantDecay: a constant learning rate on each interval between step boundaries."""

from __future__ import annotations

from lamina import ops
from lamina.optimizers.schedules.learning_rate_schedule import LearningRateSchedule, float_step


class PiecewiseConstantDecay(LearningRateSchedule):
    """``values[0]`` while ``step <= boundaries[0]``, ``values[i]`` while
    ``boundaries[i-1] < step <= boundaries[i]``, and ``values[-1]`` after the last boundary.

    >>> schedule = PiecewiseConstantDecay(boundaries=[100, 200], values=[1.0, 0.5, 0.1])
    >>> float(ops.convert_to_numpy(schedule(150)))
    0.5
    """

    def __init__(self, boundaries, values, name="PiecewiseConstant"):
        boundaries, values = list(boundaries), list(values)
        if len(boundaries) != len(values) - 1:
            raise ValueError(
                "The length of boundaries should be 1 less than the length of values. "
                f"Received: boundaries={boundaries} of length {len(boundaries)}, and "
                f"values={values} of length {len(values)}."
            )
        if any(high <= low for low, high in zip(boundaries, boundaries[1:])):
            raise ValueError(
                f"Argument `boundaries` must be strictly increasing. Received: "
                f"boundaries={boundaries}"
            )
        self.boundaries = boundaries
        self.values = values
        self.name = name

    def __call__(self, step):
        step = ops.convert_to_tensor(step)
        rate = float_step(ops.zeros_like(step), self.values[0])
        rate = ops.add(rate, self.values[0])
        # values[0] plus each jump the step has passed: comparisons with Python numbers only,
        # so no constant is copied to the device on each step.
        for boundary, low, high in zip(self.boundaries, self.values, self.values[1:]):
            passed = ops.cast(ops.greater(step, boundary), ops.dtype(rate))
            rate = ops.add(rate, ops.multiply(passed, high - low))
        return rate

    def get_config(self) -> dict:
        return {"boundaries": self.boundaries, "values": self.values, "name": self.name}
