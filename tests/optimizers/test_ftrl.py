import numpy as np
import pytest

from lamina import backend
from lamina.optimizers import Ftrl
from tests.harness import assert_close, check_config_roundtrip
from tests.optimizers.reference import assert_matches_reference, optimizer_options

OPTIONS = optimizer_options(
    {
        "l1_l2": {"l1_regularization_strength": 0.01, "l2_regularization_strength": 0.1},
        "shrinkage_beta_power": {
            "l2_shrinkage_regularization_strength": 0.05,
            "beta": 0.5,
            "learning_rate_power": -0.7,
            "initial_accumulator_value": 0.5,
        },
    }
)
OWN_NAMES = (
    "learning_rate_power",
    "initial_accumulator_value",
    "l1_regularization_strength",
    "l2_regularization_strength",
    "l2_shrinkage_regularization_strength",
    "beta",
)


def ftrl_rule(
    learning_rate_power=-0.5,
    initial_accumulator_value=0.1,
    l1_regularization_strength=0.0,
    l2_regularization_strength=0.0,
    l2_shrinkage_regularization_strength=0.0,
    beta=0.0,
):
    power = -learning_rate_power

    def update(slots, w, g, lr, t):
        n = slots.get("n", np.full_like(w, initial_accumulator_value))
        z = slots.get("z", np.zeros_like(w))
        n_new = n + g**2
        z = (
            z
            + g
            + 2 * l2_shrinkage_regularization_strength * w
            - (n_new**power - n**power) / lr * w
        )
        l1 = l1_regularization_strength
        quadratic = n_new**power / lr + 2 * (l2_regularization_strength + beta / (2 * lr))
        slots["n"], slots["z"] = n_new, z
        return (np.clip(z, -l1, l1) - z) / quadratic

    return update


@pytest.mark.parametrize("options", OPTIONS.values(), ids=OPTIONS.keys())
def test_ftrl_matches_numpy(rng, options):
    assert_matches_reference(rng, Ftrl, ftrl_rule, options, OWN_NAMES, 0.1, rtol=1e-4)


def test_ftrl_accumulator_starts_at_initial_value():
    optimizer = Ftrl(initial_accumulator_value=0.3)
    optimizer.build([backend.Variable(np.ones(2, "float32"), name="w")])
    accumulator, linear = optimizer.variables[2:]
    assert (accumulator.name, linear.name) == ("w_accumulator", "w_linear")
    assert_close(accumulator, [0.3, 0.3])


@pytest.mark.parametrize(
    "argument",
    [
        "initial_accumulator_value",
        "l1_regularization_strength",
        "l2_regularization_strength",
        "l2_shrinkage_regularization_strength",
    ],
)
def test_ftrl_rejects_negative_strengths(argument):
    with pytest.raises(ValueError, match=argument):
        Ftrl(**{argument: -0.1})


def test_ftrl_rejects_positive_learning_rate_power():
    with pytest.raises(ValueError, match="learning_rate_power"):
        Ftrl(learning_rate_power=0.5)


def test_ftrl_config_roundtrip():
    config = Ftrl().get_config()
    assert (config["learning_rate_power"], config["initial_accumulator_value"]) == (-0.5, 0.1)
    check_config_roundtrip(Ftrl(learning_rate=0.1, l1_regularization_strength=0.01, beta=0.2))
