import numpy as np
import pytest

from lamina.optimizers import Adagrad
from tests.harness import assert_close, check_config_roundtrip
from tests.optimizers.reference import assert_matches_reference, optimizer_options, run_lamina

OPTIONS = optimizer_options(
    {"accumulator_and_epsilon": {"initial_accumulator_value": 0.5, "epsilon": 1e-3}}
)


def adagrad_rule(initial_accumulator_value=0.1, epsilon=1e-7):
    def update(slots, w, g, lr, t):
        accumulator = slots.get("accumulator", np.full_like(w, initial_accumulator_value)) + g**2
        slots["accumulator"] = accumulator
        return w - lr * g / np.sqrt(accumulator + epsilon)

    return update


@pytest.mark.parametrize("options", OPTIONS.values(), ids=OPTIONS.keys())
def test_adagrad_matches_numpy(rng, options):
    own_names = ("initial_accumulator_value", "epsilon")
    assert_matches_reference(rng, Adagrad, adagrad_rule, options, own_names, 0.1)


def test_adagrad_defaults():
    config = Adagrad().get_config()
    expected = {"initial_accumulator_value": 0.1, "epsilon": 1e-7, "name": "adagrad"}
    assert {key: config[key] for key in expected} == expected
    assert config["learning_rate"] == pytest.approx(0.001)


def test_adagrad_accumulator_starts_at_initial_value(rng):
    optimizer = Adagrad(initial_accumulator_value=0.25)
    optimizer.build(run_lamina(Adagrad(), [rng.standard_normal(3).astype("float32")], [])[1])
    (accumulator,) = optimizer.variables[2:]
    assert accumulator.name == "w0_accumulator"
    assert_close(accumulator, np.full(3, 0.25))


def test_adagrad_config_roundtrip():
    check_config_roundtrip(Adagrad(learning_rate=0.2, initial_accumulator_value=0.3, epsilon=1e-4))
