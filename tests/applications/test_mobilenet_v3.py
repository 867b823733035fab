"""MobileNetV3Small/Large against Keras 3.15.1's facts
(tools/keras_interop/application_facts.py), their options and a forward pass."""

import numpy as np
import pytest

from lamina import layers
from lamina.applications import mobilenet_v3
from tests.applications.application_checks import (
    build_without_initializing,
    check_forward,
    check_keras_facts,
    fetched_files,
    slow_on_jax,
)

# count_params (classifier, include_top=False), number of layers, digest of their names
KERAS_FACTS = {
    "MobileNetV3Small": (2554968, 939120, 164, "fbc5ff77e2e256a6"),
    "MobileNetV3Large": (5507432, 2996352, 194, "9662f4f032976ee3"),
}


@pytest.mark.parametrize(
    "name",
    [
        pytest.param("MobileNetV3Small"),
        pytest.param("MobileNetV3Large", marks=pytest.mark.slow),
    ],
)
def test_matches_keras(name):
    check_keras_facts(getattr(mobilenet_v3, name), KERAS_FACTS[name])


@slow_on_jax
def test_forward_pass(rng):
    assert check_forward(mobilenet_v3.MobileNetV3Small, rng, classes=3).shape == (2, 3)


def test_options():
    model = build_without_initializing(
        mobilenet_v3.MobileNetV3Small,
        minimalistic=True,
        include_preprocessing=False,
        input_tensor=layers.Input((48, 48, 3)),
        include_top=False,
        pooling="avg",
    )
    assert model.layers[1].name == "conv"  # no Rescaling
    assert not any("squeeze_excite" in layer.name for layer in model.layers)
    assert model.output.shape == (None, 576)
    with pytest.raises(ValueError, match="at least 32x32"):
        mobilenet_v3.MobileNetV3Small(weights=None, input_shape=(16, 16, 3))
    with pytest.raises(ValueError, match="alpha=0.5"):
        mobilenet_v3.MobileNetV3Small(alpha=0.5)
    images = np.ones((1, 2, 2, 3), "float32")
    assert mobilenet_v3.preprocess_input(images) is images


def test_keras_weight_file_names(monkeypatch):
    name = "weights_mobilenet_v3_small_224_0.75_float_no_top_v2.h5"
    with pytest.warns(UserWarning, match="224"):
        calls = fetched_files(
            monkeypatch,
            lambda: mobilenet_v3.MobileNetV3Small(alpha=0.75, include_top=False),
        )
    assert calls == [
        (name, mobilenet_v3.BASE_WEIGHT_PATH + name, "models", "ebdb5cc8e0b497cd13a7c275d475c819")
    ]
