"""EfficientNetB0-B7 against Keras 3.15.1's facts (tools/keras_interop/application_facts.py),
the built-in input scaling and a forward pass."""

import numpy as np
import pytest

from lamina.applications import efficientnet
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
    "EfficientNetB0": (5330571, 4049571, 240, "7cf19367d2ee1f0e"),
    "EfficientNetB1": (7856239, 6575239, 342, "a4fcc4e105f9cfd8"),
    "EfficientNetB2": (9177569, 7768569, 342, "a4fcc4e105f9cfd8"),
    "EfficientNetB3": (12320535, 10783535, 387, "30010b147551463c"),
    "EfficientNetB4": (19466823, 17673823, 477, "9664c71373dcab1f"),
    "EfficientNetB5": (30562527, 28513527, 579, "7cf0c46bb53af428"),
    "EfficientNetB6": (43265143, 40960143, 669, "3301485359902784"),
    "EfficientNetB7": (66658687, 64097687, 816, "27a71c8071212cc2"),
}


@pytest.mark.parametrize("name", variants(KERAS_FACTS, fast="EfficientNetB0"))
def test_matches_keras(name):
    check_keras_facts(getattr(efficientnet, name), KERAS_FACTS[name])


@slow_on_jax
def test_forward_pass(rng):
    assert check_forward(efficientnet.EfficientNetB0, rng, classes=4).shape == (2, 4)


@slow_on_jax
def test_input_scaling_layers():
    """0-255 inputs are rescaled in the model; ImageNet weights add the standard-deviation
    correction layer (the layers before the stem convolution)."""
    model = build_without_initializing(efficientnet.EfficientNetB0, include_top=False)
    assert [layer.name for layer in model.layers[1:4]] == [
        "rescaling",
        "normalization",
        "stem_conv_pad",
    ]
    images = np.arange(12, dtype="float32").reshape(1, 2, 2, 3)
    assert efficientnet.preprocess_input(images) is images


@slow_on_jax
def test_keras_weight_file_names(monkeypatch):
    calls = fetched_files(
        monkeypatch,
        lambda: efficientnet.EfficientNetB0(include_top=False, input_shape=(32, 32, 3)),
    )
    assert calls == [
        (
            "efficientnetb0_notop.h5",
            efficientnet.BASE_WEIGHTS_PATH + "efficientnetb0_notop.h5",
            "models",
            "50bc09e76180e00e4465e1a485ddc09d",
        )
    ]
