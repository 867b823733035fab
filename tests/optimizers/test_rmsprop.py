import numpy as np
import pytest

from lamina.optimizers import RMSprop
from tests.harness import check_config_roundtrip
from tests.optimizers.reference import assert_matches_reference, optimizer_options, run_lamina

OPTIONS = optimizer_options(
    {
        "momentum": {"momentum": 0.9},
        "centered": {"centered": True},
        "centered_momentum": {"centered": True, "momentum": 0.5, "rho": 0.8},
    }
)
OWN_NAMES = ("rho", "momentum", "epsilon", "centered")


def rmsprop_rule(rho=0.9, momentum=0.0, epsilon=1e-7, centered=False):
    def update(slots, w, g, lr, t):
        velocity = slots["velocity"] = (
            rho * slots.get("velocity", np.zeros_like(w)) + (1 - rho) * g**2
        )
        denominator = velocity + epsilon
        if centered:
            average = slots["average"] = (
                rho * slots.get("average", np.zeros_like(w)) + (1 - rho) * g
            )
            denominator = velocity - average**2 + epsilon
        increment = lr * g / np.sqrt(denominator)
        if momentum > 0:
            increment = slots["momentum"] = (
                momentum * slots.get("momentum", np.zeros_like(w)) + increment
            )
        return w - increment

    return update


@pytest.mark.parametrize("options", OPTIONS.values(), ids=OPTIONS.keys())
def test_rmsprop_matches_numpy(rng, options):
    assert_matches_reference(rng, RMSprop, rmsprop_rule, options, OWN_NAMES, 0.01)


def test_rmsprop_defaults():
    config = RMSprop().get_config()
    expected = {"rho": 0.9, "momentum": 0.0, "epsilon": 1e-7, "centered": False, "name": "rm_sprop"}
    assert {key: config[key] for key in expected} == expected
    assert config["learning_rate"] == pytest.approx(0.001)


def test_rmsprop_slots_follow_keras(rng):
    optimizer = RMSprop(momentum=0.5, centered=True)
    run_lamina(optimizer, [rng.standard_normal(2).astype("float32")], [[np.ones(2, "float32")]])
    slots = [v.name for v in optimizer.variables[2:]]
    assert slots == ["w0_velocity", "w0_momentum", "w0_average_gradient"]


def test_rmsprop_config_roundtrip():
    check_config_roundtrip(RMSprop(learning_rate=0.1, rho=0.8, momentum=0.3, centered=True))
