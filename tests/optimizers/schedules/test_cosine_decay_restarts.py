import math

import pytest

from lamina.optimizers.schedules import CosineDecayRestarts
from tests.harness import assert_close, check_config_roundtrip

STEPS = [0, 1, 5, 9, 10, 11, 25, 29, 30, 31, 70, 100]


def sgdr(step, initial, first_decay_steps, t_mul=2.0, m_mul=1.0, alpha=0.0):
    """Walk the periods one by one (independent of the closed form the schedule uses)."""
    start, length, peak = 0.0, float(first_decay_steps), initial
    while step >= start + length:
        start, length, peak = start + length, length * t_mul, peak * m_mul
    fraction = (step - start) / length
    # As Keras: m_mul scales the cosine part only; the floor stays alpha * initial.
    return peak * (1 - alpha) * 0.5 * (1 + math.cos(math.pi * fraction)) + alpha * initial


CASES = {
    "doubling": {},
    "constant_period": {"t_mul": 1.0, "m_mul": 0.5},
    "shrinking_peaks": {"t_mul": 1.5, "m_mul": 0.8, "alpha": 0.1},
}


@pytest.mark.parametrize("kwargs", CASES.values(), ids=CASES.keys())
@pytest.mark.parametrize("step", STEPS)
def test_cosine_decay_restarts_matches_numpy(step, kwargs):
    schedule = CosineDecayRestarts(0.1, 10, **kwargs)
    assert_close(schedule(step), sgdr(step, 0.1, 10, **kwargs), rtol=1e-4, atol=1e-6)


def test_cosine_decay_restarts_config():
    schedule = CosineDecayRestarts(0.1, 10, t_mul=1.5, m_mul=0.8, alpha=0.1)
    assert schedule.get_config() == {
        "initial_learning_rate": 0.1,
        "first_decay_steps": 10,
        "t_mul": 1.5,
        "m_mul": 0.8,
        "alpha": 0.1,
        "name": "SGDRDecay",
    }
    check_config_roundtrip(schedule)


def test_cosine_decay_restarts_rejects_bad_first_decay_steps():
    with pytest.raises(ValueError, match="first_decay_steps"):
        CosineDecayRestarts(0.1, 0)
