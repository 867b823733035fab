import math

import pytest

from lamina.optimizers.schedules import CosineDecay
from tests.harness import assert_close, check_config_roundtrip

STEPS = [0, 1, 5, 9, 10, 15, 30, 100]


def cosine_decay(step, initial, decay_steps, alpha=0.0, warmup_target=None, warmup_steps=0):
    if warmup_target is None:
        step = min(step, decay_steps)
        return initial * ((1 - alpha) * 0.5 * (1 + math.cos(math.pi * step / decay_steps)) + alpha)
    step = min(step, decay_steps + warmup_steps)
    if step < warmup_steps:
        return initial + (warmup_target - initial) * step / warmup_steps
    fraction = (step - warmup_steps) / decay_steps
    return warmup_target * ((1 - alpha) * 0.5 * (1 + math.cos(math.pi * fraction)) + alpha)


CASES = {
    "plain": {},
    "alpha": {"alpha": 0.2},
    "warmup": {"warmup_target": 0.5, "warmup_steps": 10},
    "warmup_and_alpha": {"warmup_target": 0.5, "warmup_steps": 5, "alpha": 0.1},
    "target_without_warmup": {"warmup_target": 0.3},
}


@pytest.mark.parametrize("kwargs", CASES.values(), ids=CASES.keys())
@pytest.mark.parametrize("step", STEPS)
def test_cosine_decay_matches_numpy(step, kwargs):
    schedule = CosineDecay(0.1, decay_steps=20, **kwargs)
    assert_close(schedule(step), cosine_decay(step, 0.1, 20, **kwargs), atol=1e-7)


def test_cosine_decay_config():
    schedule = CosineDecay(0.1, 20, alpha=0.1, warmup_target=0.5, warmup_steps=3)
    assert schedule.get_config() == {
        "initial_learning_rate": 0.1,
        "decay_steps": 20,
        "alpha": 0.1,
        "name": "CosineDecay",
        "warmup_target": 0.5,
        "warmup_steps": 3,
    }
    check_config_roundtrip(schedule)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [({"decay_steps": 0}, "decay_steps"), ({"decay_steps": 5, "warmup_steps": -1}, "warmup_steps")],
)
def test_cosine_decay_rejects_bad_steps(kwargs, message):
    with pytest.raises(ValueError, match=message):
        CosineDecay(0.1, **kwargs)
