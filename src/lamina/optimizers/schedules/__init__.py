"""Learning-rate schedules with Keras 3's class names, arguments and configs."""

from lamina.optimizers.schedules.cosine_decay import CosineDecay as CosineDecay
from lamina.optimizers.schedules.cosine_decay_restarts import (
    CosineDecayRestarts as CosineDecayRestarts,
)
from lamina.optimizers.schedules.exponential_decay import ExponentialDecay as ExponentialDecay
from lamina.optimizers.schedules.inverse_time_decay import InverseTimeDecay as InverseTimeDecay
from lamina.optimizers.schedules.learning_rate_schedule import (
    LearningRateSchedule as LearningRateSchedule,
)
from lamina.optimizers.schedules.lookup import deserialize as deserialize, serialize as serialize
from lamina.optimizers.schedules.piecewise_constant_decay import (
    PiecewiseConstantDecay as PiecewiseConstantDecay,
)
from lamina.optimizers.schedules.polynomial_decay import PolynomialDecay as PolynomialDecay

__all__ = [
    "CosineDecay",
    "CosineDecayRestarts",
    "ExponentialDecay",
    "InverseTimeDecay",
    "LearningRateSchedule",
    "PiecewiseConstantDecay",
    "PolynomialDecay",
    "deserialize",
    "serialize",
]
