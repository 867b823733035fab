import numpy as np
import pytest

from lamina import backend
from lamina.optimizers import Adafactor
from tests.harness import check_config_roundtrip
from tests.optimizers.reference import assert_matches_reference, optimizer_options

OPTIONS = optimizer_options(
    {
        "own": {"beta_2_decay": -0.5, "epsilon_2": 1e-2, "clip_threshold": 0.5},
        "no_relative_step": {"relative_step": False},
    }
)
OWN_NAMES = ("beta_2_decay", "epsilon_1", "epsilon_2", "clip_threshold", "relative_step")


def rms(x):
    return np.sqrt(np.mean(np.square(x)))


def adafactor_rule(
    beta_2_decay=-0.8, epsilon_1=1e-30, epsilon_2=1e-3, clip_threshold=1.0, relative_step=True
):
    def update(slots, w, g, lr, t):
        beta_2 = 1 - t**beta_2_decay
        squared = g**2 + epsilon_1
        if w.ndim >= 2:
            r = beta_2 * slots.get("r", 0.0) + (1 - beta_2) * squared.mean(axis=-1)
            c = beta_2 * slots.get("c", 0.0) + (1 - beta_2) * squared.mean(axis=-2)
            slots["r"], slots["c"] = r, c
            v = (r / r.mean(axis=-1, keepdims=True))[..., None] * c[..., None, :]
        else:
            v = slots["v"] = beta_2 * slots.get("v", 0.0) + (1 - beta_2) * squared
        u = g / np.sqrt(v)
        u = u / max(1.0, rms(u) / clip_threshold)
        return w - max(epsilon_2, rms(w)) * min(lr, 1 / np.sqrt(t)) * u

    return update


@pytest.mark.parametrize("options", OPTIONS.values(), ids=OPTIONS.keys())
def test_adafactor_matches_numpy(rng, options):
    assert_matches_reference(rng, Adafactor, adafactor_rule, options, OWN_NAMES, 0.05)


def test_adafactor_variables_follow_keras():
    variables = [
        backend.Variable(np.ones((3, 4), "float32"), name="kernel"),
        backend.Variable(np.ones(4, "float32"), name="bias"),
    ]
    optimizer = Adafactor()
    optimizer.build(variables)
    shapes = [tuple(v.shape) for v in optimizer.variables[2:]]
    assert shapes == [(3,), (4,), (3, 4), (), (), (4,)]
    assert optimizer.variables[4].name == "kernel_velocity"


def test_adafactor_config_roundtrip():
    config = Adafactor().get_config()
    assert (config["beta_2_decay"], config["epsilon_1"], config["epsilon_2"]) == (-0.8, 1e-30, 1e-3)
    check_config_roundtrip(Adafactor(learning_rate=0.01, clip_threshold=2.0, relative_step=False))
