"""DenseNet121/169/201 against Keras 3.15.1's facts (tools/keras_interop/application_facts.py)
and a forward pass."""

import pytest

from lamina.applications import densenet
from tests.applications.application_checks import (
    check_forward,
    check_keras_facts,
    fetched_files,
    slow_on_jax,
    variants,
)

# count_params (classifier, include_top=False), number of layers, digest of their names
KERAS_FACTS = {
    "DenseNet121": (8062504, 7037504, 429, "3cc4dc1efebc27fb"),
    "DenseNet169": (14307880, 12642880, 597, "ae1997a137aa7dae"),
    "DenseNet201": (20242984, 18321984, 709, "93e3877597d30104"),
}


@pytest.mark.parametrize("name", variants(KERAS_FACTS, fast="DenseNet121"))
def test_matches_keras(name):
    check_keras_facts(getattr(densenet, name), KERAS_FACTS[name])


@slow_on_jax
def test_forward_pass(rng):
    assert check_forward(densenet.DenseNet121, rng, pooling="max").shape == (2, 1024)


def test_preprocess_input_is_torch_mode(rng):
    images = rng.uniform(0, 255, (2, 4, 4, 3))
    expected = (images / 255 - [0.485, 0.456, 0.406]) / [0.229, 0.224, 0.225]
    assert abs(densenet.preprocess_input(images) - expected).max() < 1e-9


@slow_on_jax
def test_keras_weight_file_names(monkeypatch):
    name = "densenet169_weights_tf_dim_ordering_tf_kernels_notop.h5"
    calls = fetched_files(
        monkeypatch, lambda: densenet.DenseNet169(include_top=False, input_shape=(32, 32, 3))
    )
    assert calls == [
        (name, densenet.BASE_WEIGHTS_PATH + name, "models", "b8c4d4c20dd625c148057b9ff1c1176b")
    ]


def test_channels_first_is_refused(monkeypatch):
    monkeypatch.setattr(densenet.backend, "image_data_format", lambda: "channels_first")
    with pytest.raises(ValueError, match="channels_first"):
        densenet.DenseNet121(weights=None)
