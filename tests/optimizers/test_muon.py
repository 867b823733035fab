import numpy as np
import pytest

from lamina import backend
from lamina.optimizers import Muon
from tests.harness import check_config_roundtrip
from tests.optimizers.reference import assert_matches_reference, optimizer_options

OPTIONS = optimizer_options(
    {
        "no_nesterov_no_rms_rate": {"nesterov": False, "rms_rate": None, "momentum": 0.8},
        "adam_options": {"adam_beta_1": 0.5, "adam_lr_ratio": 0.5, "adam_weight_decay": 0.1},
        "excluded_layer": {"exclude_layers": ["w0"]},
    }
)
OWN_NAMES = (
    "adam_beta_1",
    "adam_beta_2",
    "adam_weight_decay",
    "epsilon",
    "weight_decay",
    "exclude_layers",
    "adam_lr_ratio",
    "momentum",
    "ns_steps",
    "nesterov",
    "rms_rate",
)
MUON_AB_C = (3.4445, -4.7750, 2.0315)


def newton_schulz(x, steps):
    a, b, c = MUON_AB_C
    tall = x.shape[0] > x.shape[1]
    x = x.T if tall else x
    x = x / (np.linalg.norm(x) + 1e-7)
    for _ in range(steps):
        gram = x @ x.T
        x = a * x + (b * gram + c * gram @ gram) @ x
    return x.T if tall else x


def muon_rule(
    adam_beta_1=0.9,
    adam_beta_2=0.999,
    adam_weight_decay=0.004,
    epsilon=1e-7,
    weight_decay=0.004,
    exclude_layers=(),
    adam_lr_ratio=1,
    momentum=0.95,
    ns_steps=5,
    nesterov=True,
    rms_rate=0.2,
):
    # The variables of reference.SHAPES: w0 is the only matrix.
    def update(slots, w, g, lr, t):
        use_adam = w.ndim != 2 or bool(exclude_layers)
        w = w - w * (adam_weight_decay if use_adam else weight_decay) * lr
        m = slots.get("m", np.zeros_like(w))
        if use_adam:
            m = slots["m"] = adam_beta_1 * m + (1 - adam_beta_1) * g
            v = slots["v"] = (
                adam_beta_2 * slots.get("v", np.zeros_like(w)) + (1 - adam_beta_2) * g**2
            )
            alpha = lr * adam_lr_ratio * np.sqrt(1 - adam_beta_2**t) / (1 - adam_beta_1**t)
            return w - alpha * m / (np.sqrt(v) + epsilon)
        m = slots["m"] = momentum * m + g
        direction = g + momentum * m if nesterov else m
        step = lr * newton_schulz(direction, ns_steps)
        if rms_rate is not None:
            step = step * np.sqrt(max(w.shape)) * rms_rate
        return w - step

    return update


@pytest.mark.parametrize("options", OPTIONS.values(), ids=OPTIONS.keys())
def test_muon_matches_numpy(rng, options):
    # The base pipeline's decay is the rule's here (Muon decays the two kinds differently).
    options = {"weight_decay": 0.004, **options}
    assert_matches_reference(rng, Muon, muon_rule, options, OWN_NAMES, 0.05, rtol=1e-4, atol=1e-5)


def test_muon_slots_follow_keras():
    variables = [
        backend.Variable(np.ones((3, 4), "float32"), name="kernel"),
        backend.Variable(np.ones((5, 2), "float32"), name="token_embedding"),
        backend.Variable(np.ones(4, "float32"), name="bias"),
    ]
    optimizer = Muon()
    optimizer.build(variables)
    names = [v.name for v in optimizer.variables[2:]]
    assert names == [
        "kernel_momentum",
        "token_embedding_momentum",
        "token_embedding_velocity",
        "bias_momentum",
        "bias_velocity",
    ]


def test_newton_schulz_matches_numpy(rng):
    x = rng.standard_normal((5, 3)).astype("float32")
    result = Muon().zeropower_via_newtonschulz5(backend.convert_to_tensor(x), 5)
    np.testing.assert_allclose(
        backend.convert_to_numpy(result),
        newton_schulz(x.astype("float64"), 5),
        rtol=1e-4,
        atol=1e-5,
    )


def test_muon_config_roundtrip():
    config = Muon().get_config()
    assert (config["weight_decay"], config["adam_weight_decay"], config["ns_steps"]) == (
        0.004,
        0.004,
        5,
    )
    check_config_roundtrip(Muon(exclude_layers=["output"], nesterov=False, rms_rate=None))
