import numpy as np
import pytest

from lamina import backend
from lamina.optimizers import Nadam
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


def nadam_rule(beta_1=0.9, beta_2=0.999, epsilon=1e-7):
    def momentum_coefficient(t):
        return beta_1 * (1 - 0.5 * 0.96**t)

    def update(slots, w, g, lr, t):
        u_product = slots["u_product"] = slots.get("u_product", 1.0) * momentum_coefficient(t)
        u_t, u_next = momentum_coefficient(t), momentum_coefficient(t + 1)
        m = slots["m"] = beta_1 * slots.get("m", np.zeros_like(w)) + (1 - beta_1) * g
        v = slots["v"] = beta_2 * slots.get("v", np.zeros_like(w)) + (1 - beta_2) * g**2
        m_hat = u_next * m / (1 - u_product * u_next) + (1 - u_t) * g / (1 - u_product)
        return w - lr * m_hat / (np.sqrt(v / (1 - beta_2**t)) + epsilon)

    return update


@pytest.mark.parametrize("options", OPTIONS.values(), ids=OPTIONS.keys())
def test_nadam_matches_numpy(rng, options):
    assert_matches_reference(rng, Nadam, nadam_rule, options, OWN_NAMES, 0.05)


@pytest.mark.engine("torch")
def test_nadam_matches_torch_optim(rng):
    values, grads = random_problem(rng)
    actual, _ = run_lamina(Nadam(learning_rate=0.05, epsilon=1e-8), values, grads)
    # Keras's schedule is 0.96**t: torch's 0.96**(t * momentum_decay) with momentum_decay=1.
    kwargs = {"lr": 0.05, "eps": 1e-8, "momentum_decay": 1.0}
    expected = run_torch_optimizer("NAdam", kwargs, values, grads)
    for a, e in zip(actual, expected):
        np.testing.assert_allclose(a, e, rtol=1e-5, atol=1e-6)


def test_nadam_defaults_and_variables(rng):
    config = Nadam().get_config()
    expected = {"beta_1": 0.9, "beta_2": 0.999, "epsilon": 1e-7, "name": "nadam"}
    assert {key: config[key] for key in expected} == expected
    optimizer = Nadam()
    optimizer.build([backend.Variable(np.ones(2, "float32"), name="w")])
    names = [v.name for v in optimizer.variables[2:]]
    assert names == ["w_momentum", "w_velocity", "u_product"]


def test_nadam_config_roundtrip():
    check_config_roundtrip(Nadam(learning_rate=0.01, beta_2=0.99, epsilon=1e-5, clipvalue=1.0))
