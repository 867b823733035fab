import numpy as np
import pytest

from lamina.layers import Dense
from lamina.optimizers import Adam
from tests.harness import check_config_roundtrip
from tests.optimizers.reference import assert_matches_reference, optimizer_options

OPTIONS = optimizer_options(
    {
        "amsgrad": {"amsgrad": True},
        "betas_and_epsilon": {"beta_1": 0.5, "beta_2": 0.9, "epsilon": 1e-3},
    }
)
OWN_NAMES = ("beta_1", "beta_2", "epsilon", "amsgrad")


def adam_rule(beta_1=0.9, beta_2=0.999, epsilon=1e-7, amsgrad=False):
    def update(slots, w, g, lr, t):
        m = beta_1 * slots.get("m", np.zeros_like(w)) + (1 - beta_1) * g
        v = beta_2 * slots.get("v", np.zeros_like(w)) + (1 - beta_2) * g**2
        slots["m"], slots["v"] = m, v
        if amsgrad:
            v = slots["v_hat"] = np.maximum(slots.get("v_hat", np.zeros_like(w)), v)
        alpha = lr * np.sqrt(1 - beta_2**t) / (1 - beta_1**t)
        return w - alpha * m / (np.sqrt(v) + epsilon)

    return update


@pytest.mark.parametrize("options", OPTIONS.values(), ids=OPTIONS.keys())
def test_adam_matches_numpy(rng, options):
    assert_matches_reference(rng, Adam, adam_rule, options, OWN_NAMES, 0.05)


def test_adam_defaults():
    config = Adam().get_config()
    assert config["learning_rate"] == pytest.approx(0.001)
    expected = {"beta_1": 0.9, "beta_2": 0.999, "epsilon": 1e-7, "amsgrad": False, "name": "adam"}
    assert {key: config[key] for key in expected} == expected


@pytest.mark.parametrize(
    ("amsgrad", "slots"),
    [
        (False, ["kernel_momentum", "kernel_velocity", "bias_momentum", "bias_velocity"]),
        (
            True,
            ["kernel_momentum", "kernel_velocity", "bias_momentum", "bias_velocity"]
            + ["kernel_velocity_hat", "bias_velocity_hat"],
        ),
    ],
)
def test_adam_slot_names_and_order_follow_keras(rng, amsgrad, slots):
    layer = Dense(2, name="dense")
    layer(rng.standard_normal((1, 3)).astype("float32"))
    optimizer = Adam(amsgrad=amsgrad)
    optimizer.build(layer.trainable_variables)
    expected = ["adam/iteration", "adam/learning_rate"] + [f"adam/dense_{s}" for s in slots]
    assert [v.path for v in optimizer.variables] == expected
    assert all(not v.trainable for v in optimizer.variables)


def test_adam_config_roundtrip():
    check_config_roundtrip(
        Adam(learning_rate=0.01, beta_1=0.8, beta_2=0.99, epsilon=1e-5, amsgrad=True, clipnorm=1.0)
    )
