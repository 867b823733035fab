import pytest

from lamina.optimizers.schedules import PolynomialDecay
from tests.harness import assert_close, check_config_roundtrip

STEPS = [0, 1, 5, 10, 13, 20, 35]


def polynomial_decay(step, initial, decay_steps, end=0.0001, power=1.0, cycle=False):
    if cycle:
        decay_steps = decay_steps * max(-(-step // decay_steps), 1)
    else:
        step = min(step, decay_steps)
    return (initial - end) * (1 - step / decay_steps) ** power + end


CASES = {"linear": {}, "square_root": {"power": 0.5, "end": 0.01}, "cycle": {"cycle": True}}


@pytest.mark.parametrize("kwargs", CASES.values(), ids=CASES.keys())
@pytest.mark.parametrize("step", STEPS)
def test_polynomial_decay_matches_numpy(step, kwargs):
    end = kwargs.get("end", 0.0001)
    options = {k: v for k, v in kwargs.items() if k != "end"}
    schedule = PolynomialDecay(0.1, 10, end_learning_rate=end, **options)
    assert_close(schedule(step), polynomial_decay(step, 0.1, 10, end=end, **options), atol=1e-7)


def test_polynomial_decay_config():
    schedule = PolynomialDecay(0.1, 10, end_learning_rate=0.01, power=2.0, cycle=True)
    assert schedule.get_config() == {
        "initial_learning_rate": 0.1,
        "decay_steps": 10,
        "end_learning_rate": 0.01,
        "power": 2.0,
        "cycle": True,
        "name": "PolynomialDecay",
    }
    check_config_roundtrip(schedule)


def test_polynomial_decay_rejects_bad_decay_steps():
    with pytest.raises(ValueError, match="decay_steps"):
        PolynomialDecay(0.1, 0)
