import numpy as np
import pytest

from lamina.optimizers import SGD
from tests.harness import check_config_roundtrip
from tests.optimizers.reference import assert_matches_reference, optimizer_options

OPTIONS = optimizer_options(
    {
        "momentum": {"momentum": 0.9},
        "nesterov": {"momentum": 0.9, "nesterov": True},
        "momentum_and_weight_decay": {"momentum": 0.5, "weight_decay": 0.1},
    }
)


def sgd_rule(momentum=0.0, nesterov=False):
    def update(slots, w, g, lr, t):
        if momentum == 0:
            return w - lr * g
        velocity = momentum * slots.get("velocity", np.zeros_like(w)) - lr * g
        slots["velocity"] = velocity
        return w + momentum * velocity - lr * g if nesterov else w + velocity

    return update


@pytest.mark.parametrize("options", OPTIONS.values(), ids=OPTIONS.keys())
def test_sgd_matches_numpy(rng, options):
    assert_matches_reference(rng, SGD, sgd_rule, options, ("momentum", "nesterov"), 0.1)


def test_sgd_defaults_and_slots():
    optimizer = SGD()
    config = optimizer.get_config()
    assert config["learning_rate"] == pytest.approx(0.01)
    assert (config["momentum"], config["nesterov"], config["name"]) == (0.0, False, "sgd")


@pytest.mark.parametrize(("momentum", "num_slots"), [(0.0, 0), (0.9, 1)])
def test_sgd_makes_a_momentum_slot_only_with_momentum(rng, momentum, num_slots):
    from tests.optimizers.reference import run_lamina

    optimizer = SGD(momentum=momentum)
    run_lamina(optimizer, [rng.standard_normal(3).astype("float32")], [[np.ones(3, "float32")]])
    paths = [v.path for v in optimizer.variables]
    assert paths[:2] == ["sgd/iteration", "sgd/learning_rate"]
    assert paths[2:] == ["sgd/w0_momentum"] * num_slots


def test_sgd_config_roundtrip():
    check_config_roundtrip(SGD(learning_rate=0.5, momentum=0.8, nesterov=True, clipvalue=2.0))


@pytest.mark.parametrize("momentum", [-0.1, 1.5, "0.9"])
def test_sgd_rejects_bad_momentum(momentum):
    with pytest.raises(ValueError, match="momentum"):
        SGD(momentum=momentum)
