import math

import pytest

from lamina.optimizers.schedules import InverseTimeDecay
from tests.harness import assert_close, check_config_roundtrip


@pytest.mark.parametrize("staircase", [False, True])
@pytest.mark.parametrize("step", [0, 1, 4, 7, 30])
def test_inverse_time_decay_matches_numpy(step, staircase):
    ratio = step / 4
    expected = 0.1 / (1 + 0.5 * (math.floor(ratio) if staircase else ratio))
    schedule = InverseTimeDecay(0.1, decay_steps=4, decay_rate=0.5, staircase=staircase)
    assert_close(schedule(step), expected, atol=1e-7)


def test_inverse_time_decay_config():
    schedule = InverseTimeDecay(0.1, 4, 0.5, staircase=True)
    assert schedule.get_config() == {
        "initial_learning_rate": 0.1,
        "decay_steps": 4,
        "decay_rate": 0.5,
        "staircase": True,
        "name": "InverseTimeDecay",
    }
    check_config_roundtrip(schedule)


def test_inverse_time_decay_rejects_bad_decay_steps():
    with pytest.raises(ValueError, match="decay_steps"):
        InverseTimeDecay(0.1, -1, 0.5)
