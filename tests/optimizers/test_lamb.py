import numpy as np
import pytest

from lamina import backend, ops
from lamina.optimizers import Lamb
from tests.harness import assert_close, check_config_roundtrip
from tests.optimizers.reference import assert_matches_reference, optimizer_options

OPTIONS = optimizer_options({"betas_and_epsilon": {"beta_1": 0.5, "beta_2": 0.9, "epsilon": 1e-3}})
OWN_NAMES = ("beta_1", "beta_2", "epsilon")


def lamb_rule(beta_1=0.9, beta_2=0.999, epsilon=1e-7):
    def update(slots, w, g, lr, t):
        m = slots["m"] = beta_1 * slots.get("m", np.zeros_like(w)) + (1 - beta_1) * g
        v = slots["v"] = beta_2 * slots.get("v", np.zeros_like(w)) + (1 - beta_2) * g**2
        r = (m / (1 - beta_1**t)) / (np.sqrt(v / (1 - beta_2**t)) + epsilon)
        w_norm, r_norm = np.linalg.norm(w), np.linalg.norm(r)
        ratio = w_norm / r_norm if w_norm > 0 and r_norm > 0 else 1.0
        return w - lr * ratio * r

    return update


@pytest.mark.parametrize("options", OPTIONS.values(), ids=OPTIONS.keys())
def test_lamb_matches_numpy(rng, options):
    assert_matches_reference(rng, Lamb, lamb_rule, options, OWN_NAMES, 0.05)


def test_lamb_trust_ratio_is_one_for_zero_weights():
    variable = backend.Variable(np.zeros(3, "float32"), name="w")
    Lamb(learning_rate=0.1).apply(
        [ops.convert_to_tensor(np.array([1.0, -2.0, 3.0], "float32"))], [variable]
    )
    # First step: m_hat / sqrt(v_hat) = sign(g) (up to epsilon); ratio 1.
    assert_close(variable, [-0.1, 0.1, -0.1], rtol=1e-5)


def test_lamb_config_roundtrip():
    config = Lamb().get_config()
    assert (config["beta_1"], config["beta_2"], config["epsilon"]) == (0.9, 0.999, 1e-7)
    check_config_roundtrip(Lamb(learning_rate=0.01, beta_1=0.8, weight_decay=0.01))
