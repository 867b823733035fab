import numpy as np
import pytest

from lamina import backend
from lamina.optimizers import Adamax
from tests.harness import check_config_roundtrip
from tests.optimizers.reference import (
    assert_matches_reference,
    optimizer_options,
    random_problem,
    run_lamina,
)
from tests.optimizers.torch_reference import run_torch_optimizer

OPTIONS = optimizer_options({"betas_and_epsilon": {"beta_1": 0.5, "beta_2": 0.9, "epsilon": 1e-3}})
OWN_NAMES = ("beta_1", "beta_2", "epsilon")


def adamax_rule(beta_1=0.9, beta_2=0.999, epsilon=1e-7):
    def update(slots, w, g, lr, t):
        m = slots["m"] = beta_1 * slots.get("m", np.zeros_like(w)) + (1 - beta_1) * g
        u = slots["u"] = np.maximum(beta_2 * slots.get("u", np.zeros_like(w)), np.abs(g))
        return w - lr / (1 - beta_1**t) * m / (u + epsilon)

    return update


@pytest.mark.parametrize("options", OPTIONS.values(), ids=OPTIONS.keys())
def test_adamax_matches_numpy(rng, options):
    assert_matches_reference(rng, Adamax, adamax_rule, options, OWN_NAMES, 0.05)


@pytest.mark.engine("torch")
def test_adamax_matches_torch_optim(rng):
    values, grads = random_problem(rng)
    actual, _ = run_lamina(Adamax(learning_rate=0.05, epsilon=1e-8), values, grads)
    # torch adds epsilon inside the max (max(beta_2 * u, |g| + eps)): the same to ~1e-8.
    expected = run_torch_optimizer("Adamax", {"lr": 0.05, "eps": 1e-8}, values, grads)
    for a, e in zip(actual, expected):
        np.testing.assert_allclose(a, e, rtol=1e-5, atol=1e-6)


def test_adamax_defaults_and_slots(rng):
    config = Adamax().get_config()
    expected = {"beta_1": 0.9, "beta_2": 0.999, "epsilon": 1e-7, "name": "adamax"}
    assert {key: config[key] for key in expected} == expected
    optimizer = Adamax()
    optimizer.build([backend.Variable(np.ones(2, "float32"), name="w")])
    assert [v.name for v in optimizer.variables[2:]] == ["w_momentum", "w_norm"]


def test_adamax_config_roundtrip():
    check_config_roundtrip(Adamax(learning_rate=0.01, beta_1=0.8, epsilon=1e-5, clipnorm=1.0))
