"""serialize / deserialize for learning-rate schedules, as ``keras.optimizers.schedules``."""

from __future__ import annotations

from lamina.optimizers.schedules.cosine_decay import CosineDecay
from lamina.optimizers.schedules.cosine_decay_restarts import CosineDecayRestarts
from lamina.optimizers.schedules.exponential_decay import ExponentialDecay
from lamina.optimizers.schedules.inverse_time_decay import InverseTimeDecay
from lamina.optimizers.schedules.learning_rate_schedule import LearningRateSchedule
from lamina.optimizers.schedules.piecewise_constant_decay import PiecewiseConstantDecay
from lamina.optimizers.schedules.polynomial_decay import PolynomialDecay
from lamina.serialization import deserialize_keras_object, serialize_keras_object

MODULE_OBJECTS = {
    cls.__name__: cls
    for cls in (
        LearningRateSchedule,
        ExponentialDecay,
        CosineDecay,
        PiecewiseConstantDecay,
        PolynomialDecay,
        InverseTimeDecay,
        CosineDecayRestarts,
    )
}


def serialize(learning_rate_schedule) -> dict:
    """The ``{module, class_name, config, registered_name}`` dict of a schedule."""
    if not isinstance(learning_rate_schedule, LearningRateSchedule):
        raise TypeError(
            "Expected a LearningRateSchedule instance; received "
            f"{learning_rate_schedule!r} of type {type(learning_rate_schedule).__name__}."
        )
    return serialize_keras_object(learning_rate_schedule)


def deserialize(config, custom_objects=None) -> LearningRateSchedule:
    """Rebuild a schedule from the dict ``serialize`` returns."""
    return deserialize_keras_object(
        config,
        module_objects=MODULE_OBJECTS,
        custom_objects=custom_objects,
        kind="learning rate schedule",
    )
