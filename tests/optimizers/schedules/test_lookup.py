import json

import pytest

from lamina.optimizers import SGD, schedules
from lamina.optimizers.schedules import (
    CosineDecay,
    ExponentialDecay,
    LearningRateSchedule,
    PiecewiseConstantDecay,
)
from tests.harness import assert_close
from tests.optimizers.reference import random_problem, run_lamina, run_reference
from tests.optimizers.test_sgd import sgd_rule

SCHEDULES = [
    ExponentialDecay(0.1, decay_steps=2, decay_rate=0.5, staircase=True),
    CosineDecay(0.1, decay_steps=4, alpha=0.1, warmup_target=0.2, warmup_steps=2),
    PiecewiseConstantDecay([1, 3], [0.3, 0.2, 0.1]),
]


@pytest.mark.parametrize("schedule", SCHEDULES, ids=lambda s: type(s).__name__)
def test_serialize_roundtrips_through_json(schedule):
    serialized = schedules.serialize(schedule)
    assert serialized["module"] == "keras.optimizers.schedules"
    assert serialized["class_name"] == type(schedule).__name__
    restored = schedules.deserialize(json.loads(json.dumps(serialized)))
    assert type(restored) is type(schedule)
    assert restored.get_config() == schedule.get_config()


@pytest.mark.parametrize("schedule", SCHEDULES, ids=lambda s: type(s).__name__)
def test_schedule_drives_the_optimizer(rng, schedule):
    """The rate of update ``t`` is the schedule at the 0-based step count (as Keras)."""
    values, grads = random_problem(rng, num_steps=6)
    actual, _ = run_lamina(SGD(learning_rate=schedule), values, grads)
    rates = [float(schedules_value) for schedules_value in map(schedule, range(6))]
    expected = run_reference(sgd_rule(), values, grads, lambda step: rates[step])
    for a, e in zip(actual, expected):
        assert_close(a, e)


def test_optimizer_learning_rate_property_evaluates_the_schedule(rng):
    optimizer = SGD(learning_rate=ExponentialDecay(0.1, decay_steps=1, decay_rate=0.5))
    run_lamina(optimizer, *random_problem(rng, num_steps=3))
    assert_close(optimizer.learning_rate, 0.1 * 0.5**3)


def test_base_schedule_must_be_subclassed():
    with pytest.raises(NotImplementedError, match="__call__"):
        LearningRateSchedule()(0)
    with pytest.raises(NotImplementedError, match="get_config"):
        LearningRateSchedule().get_config()


def test_serialize_rejects_non_schedules():
    with pytest.raises(TypeError, match="LearningRateSchedule"):
        schedules.serialize(0.1)


def test_deserialize_unknown_schedule_names_it():
    with pytest.raises(ValueError, match="Unknown learning rate schedule: 'ExponentialDecy'"):
        schedules.deserialize({"class_name": "ExponentialDecy", "config": {}})
