import functools

import numpy as np
import pytest

from lamina import backend
from lamina.optimizers import ScheduleFreeAdamW
from tests.harness import assert_close, check_config_roundtrip
from tests.optimizers.reference import assert_matches_reference, optimizer_options

OPTIONS = optimizer_options(
    {
        "betas_and_epsilon": {"beta_1": 0.5, "beta_2": 0.9, "epsilon": 1e-3},
        "warmup": {"warmup_steps": 3},
    }
)
OWN_NAMES = ("beta_1", "beta_2", "epsilon", "warmup_steps")


def schedule_free_rule(beta_1=0.9, beta_2=0.999, epsilon=1e-8, warmup_steps=0, weight_decay=0.0):
    def update(slots, y, g, lr, t):
        if "z" not in slots:  # z starts at the initial weights, before the first decay
            slots["z"] = y / (1 - weight_decay * lr)
        if warmup_steps:
            lr = lr * min(t / warmup_steps, 1.0)
        z = slots["z"]
        x = (y - (1 - beta_1) * z) / beta_1
        v = slots["v"] = beta_2 * slots.get("v", np.zeros_like(y)) + (1 - beta_2) * g**2
        z = slots["z"] = z - lr * g / (np.sqrt(v / (1 - beta_2**t)) + epsilon)
        x = (1 - 1 / t) * x + z / t
        return (1 - beta_1) * z + beta_1 * x

    return update


@pytest.mark.parametrize("options", OPTIONS.values(), ids=OPTIONS.keys())
def test_schedule_free_adamw_matches_numpy(rng, options):
    rule = functools.partial(schedule_free_rule, weight_decay=options.get("weight_decay", 0.0))
    assert_matches_reference(rng, ScheduleFreeAdamW, rule, options, OWN_NAMES, 0.05)


def test_schedule_free_adamw_momentum_starts_at_the_weights():
    variable = backend.Variable(np.array([1.0, -2.0], "float32"), name="w")
    optimizer = ScheduleFreeAdamW()
    optimizer.build([variable])
    momentum, velocity = optimizer.variables[2:]
    assert (momentum.name, velocity.name) == ("w_momentum", "w_velocity")
    assert_close(momentum, [1.0, -2.0])
    assert_close(velocity, [0.0, 0.0])


def test_schedule_free_adamw_config_roundtrip():
    config = ScheduleFreeAdamW().get_config()
    assert (config["learning_rate"], config["epsilon"], config["warmup_steps"]) == (
        pytest.approx(0.0025),
        1e-8,
        0,
    )
    check_config_roundtrip(ScheduleFreeAdamW(learning_rate=0.01, warmup_steps=10))


def test_schedule_free_adamw_rejects_negative_warmup():
    with pytest.raises(ValueError, match="warmup_steps"):
        ScheduleFreeAdamW(warmup_steps=-1)
