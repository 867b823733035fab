"""EfficientNetV2 B0-B3, S, M, L against Keras 3.15.1's facts
(tools/keras_interop/application_facts.py), the built-in input scaling and a forward
pass."""

import pytest

from lamina.applications import efficientnet_v2
from tests.applications.application_checks import (
    build_without_initializing,
    check_forward,
    check_keras_facts,
    fetched_files,
    slow_on_jax,
    variants,
)

# count_params (classifier, include_top=False), number of layers, digest of their names
KERAS_FACTS = {
    "EfficientNetV2B0": (7200312, 5919312, 273, "dd7ad1b5eec2e7ff"),
    "EfficientNetV2B1": (8212124, 6931124, 337, "967d9da578b0e731"),
    "EfficientNetV2B2": (10178374, 8769374, 352, "6febea67313ef468"),
    "EfficientNetV2B3": (14467622, 12930622, 412, "84dc391d70a33fad"),
    "EfficientNetV2S": (21612360, 20331360, 516, "4ae37617110890a6"),
    "EfficientNetV2M": (54431388, 53150388, 743, "ccc89a45ead57912"),
    "EfficientNetV2L": (119027848, 117746848, 1031, "265bab3010a5b312"),
}


@pytest.mark.parametrize("name", variants(KERAS_FACTS, fast="EfficientNetV2B0"))
def test_matches_keras(name):
    check_keras_facts(getattr(efficientnet_v2, name), KERAS_FACTS[name])


@slow_on_jax
def test_forward_pass(rng):
    assert check_forward(efficientnet_v2.EfficientNetV2B0, rng, classes=4).shape == (2, 4)


@slow_on_jax
def test_preprocessing_per_variant():
    """B0-B3 rescale to [0, 1] and normalize; S, M and L rescale to [-1, 1]."""
    b0 = build_without_initializing(efficientnet_v2.EfficientNetV2B0, include_top=False)
    assert [type(layer).__name__ for layer in b0.layers[1:3]] == ["Rescaling", "Normalization"]
    small = build_without_initializing(
        efficientnet_v2.EfficientNetV2S, include_top=False, input_shape=(32, 32, 3)
    )
    assert small.layers[1].get_config()["offset"] == -1
    plain = build_without_initializing(
        efficientnet_v2.EfficientNetV2B0, include_top=False, include_preprocessing=False
    )
    assert plain.layers[1].name == "stem_conv"
    with pytest.raises(ValueError, match="name='mine'"):
        efficientnet_v2.EfficientNetV2B0(weights=None, name="mine")


@slow_on_jax
def test_keras_weight_file_names(monkeypatch):
    name = "efficientnetv2-b0_notop.h5"
    calls = fetched_files(
        monkeypatch,
        lambda: efficientnet_v2.EfficientNetV2B0(include_top=False, input_shape=(32, 32, 3)),
    )
    assert calls == [
        (
            name,
            efficientnet_v2.BASE_WEIGHTS_PATH + name,
            "models",
            "893217f2bb855e2983157299931e43ff",
        )
    ]
