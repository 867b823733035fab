import numpy as np
import pytest

from lamina.optimizers import Lion
from tests.harness import check_config_roundtrip
from tests.optimizers.reference import assert_matches_reference, optimizer_options

OPTIONS = optimizer_options({"betas": {"beta_1": 0.5, "beta_2": 0.9}})
OWN_NAMES = ("beta_1", "beta_2")


def lion_rule(beta_1=0.9, beta_2=0.99):
    def update(slots, w, g, lr, t):
        m = slots.get("m", np.zeros_like(w))
        w = w - lr * np.sign(beta_1 * m + (1 - beta_1) * g)
        slots["m"] = beta_2 * m + (1 - beta_2) * g
        return w

    return update


@pytest.mark.parametrize("options", OPTIONS.values(), ids=OPTIONS.keys())
def test_lion_matches_numpy(rng, options):
    assert_matches_reference(rng, Lion, lion_rule, options, OWN_NAMES, 0.05)


@pytest.mark.parametrize("beta_1", [0.0, 1.5])
def test_lion_rejects_beta_1_outside_zero_one(beta_1):
    with pytest.raises(ValueError, match="beta_1"):
        Lion(beta_1=beta_1)


def test_lion_config_roundtrip():
    config = Lion().get_config()
    assert (config["beta_1"], config["beta_2"], config["name"]) == (0.9, 0.99, "lion")
    check_config_roundtrip(Lion(learning_rate=1e-4, beta_1=0.8, beta_2=0.95))
