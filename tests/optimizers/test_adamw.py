import pytest

from lamina.optimizers import AdamW
from tests.harness import check_config_roundtrip
from tests.optimizers.reference import assert_matches_reference
from tests.optimizers.test_adam import adam_rule

OPTIONS = {
    "defaults": {},
    "strong_decay": {"weight_decay": 0.2},
    "amsgrad": {"amsgrad": True, "weight_decay": 0.1},
    "clipnorm": {"clipnorm": 1.0},
}


@pytest.mark.parametrize("options", OPTIONS.values(), ids=OPTIONS.keys())
def test_adamw_matches_numpy(rng, options):
    options = {"weight_decay": 0.004, **options}  # AdamW's default, made explicit for the reference
    own_names = ("beta_1", "beta_2", "epsilon", "amsgrad")
    assert_matches_reference(rng, AdamW, adam_rule, options, own_names, 0.05)


def test_adamw_defaults():
    config = AdamW().get_config()
    assert (config["weight_decay"], config["name"]) == (0.004, "adam_w")  # Keras: snake case
    assert config["learning_rate"] == pytest.approx(0.001)


def test_adamw_requires_weight_decay():
    with pytest.raises(ValueError, match="weight_decay"):
        AdamW(weight_decay=None)


def test_adamw_config_roundtrip():
    check_config_roundtrip(AdamW(learning_rate=0.01, weight_decay=0.1, amsgrad=True))
