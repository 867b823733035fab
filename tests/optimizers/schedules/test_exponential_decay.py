import numpy as np
import pytest

from lamina import backend
from lamina.optimizers.schedules import ExponentialDecay
from tests.harness import assert_close, check_config_roundtrip

STEPS = [0, 1, 7, 10, 25, 100]


@pytest.mark.parametrize("staircase", [False, True])
@pytest.mark.parametrize("step", STEPS)
def test_exponential_decay_matches_numpy(step, staircase):
    schedule = ExponentialDecay(0.1, decay_steps=10, decay_rate=0.7, staircase=staircase)
    exponent = np.floor(step / 10) if staircase else step / 10
    assert_close(schedule(step), 0.1 * 0.7**exponent)


def test_exponential_decay_takes_an_int64_variable_step():
    schedule = ExponentialDecay(0.1, decay_steps=4, decay_rate=0.5)
    step = backend.Variable(6, dtype="int64", name="step", trainable=False)
    assert_close(schedule(step), 0.1 * 0.5**1.5)


def test_exponential_decay_config():
    schedule = ExponentialDecay(0.2, decay_steps=3, decay_rate=0.9, staircase=True, name="decay")
    assert schedule.get_config() == {
        "initial_learning_rate": 0.2,
        "decay_steps": 3,
        "decay_rate": 0.9,
        "staircase": True,
        "name": "decay",
    }
    check_config_roundtrip(schedule)


@pytest.mark.parametrize("decay_steps", [0, -5])
def test_exponential_decay_rejects_non_positive_decay_steps(decay_steps):
    with pytest.raises(ValueError, match="decay_steps"):
        ExponentialDecay(0.1, decay_steps=decay_steps, decay_rate=0.5)
