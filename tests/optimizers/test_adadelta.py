import numpy as np
import pytest

from lamina import backend
from lamina.optimizers import Adadelta
from tests.harness import check_config_roundtrip
from tests.optimizers.reference import (
    assert_matches_reference,
    optimizer_options,
    random_problem,
    run_lamina,
)
from tests.optimizers.torch_reference import run_torch_optimizer

OPTIONS = optimizer_options({"rho_and_epsilon": {"rho": 0.8, "epsilon": 1e-3}})
OWN_NAMES = ("rho", "epsilon")


def adadelta_rule(rho=0.95, epsilon=1e-7):
    def update(slots, w, g, lr, t):
        a = slots["a"] = rho * slots.get("a", np.zeros_like(w)) + (1 - rho) * g**2
        delta = np.sqrt(slots.get("d", np.zeros_like(w)) + epsilon) / np.sqrt(a + epsilon) * g
        slots["d"] = rho * slots.get("d", np.zeros_like(w)) + (1 - rho) * delta**2
        return w - lr * delta

    return update


@pytest.mark.parametrize("options", OPTIONS.values(), ids=OPTIONS.keys())
def test_adadelta_matches_numpy(rng, options):
    # A large rate: the paper's rule (rate 1) moves weights by about sqrt(epsilon) per step.
    assert_matches_reference(rng, Adadelta, adadelta_rule, options, OWN_NAMES, 50.0)


@pytest.mark.engine("torch")
def test_adadelta_matches_torch_optim(rng):
    values, grads = random_problem(rng)
    actual, _ = run_lamina(Adadelta(learning_rate=50.0, rho=0.9, epsilon=1e-6), values, grads)
    expected = run_torch_optimizer("Adadelta", {"lr": 50.0, "rho": 0.9, "eps": 1e-6}, values, grads)
    for a, e in zip(actual, expected):
        np.testing.assert_allclose(a, e, rtol=1e-5, atol=1e-6)


def test_adadelta_defaults_and_slots():
    config = Adadelta().get_config()
    assert {k: config[k] for k in ("rho", "epsilon", "name")} == {
        "rho": 0.95,
        "epsilon": 1e-7,
        "name": "adadelta",
    }
    optimizer = Adadelta()
    optimizer.build([backend.Variable(np.ones(2, "float32"), name="w")])
    names = [v.name for v in optimizer.variables[2:]]
    assert names == ["w_accumulated_grad", "w_accumulated_delta_var"]


def test_adadelta_config_roundtrip():
    check_config_roundtrip(Adadelta(learning_rate=1.0, rho=0.9, epsilon=1e-6))
