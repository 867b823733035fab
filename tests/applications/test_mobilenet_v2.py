"""MobileNetV2 against Keras 3.15.1's facts (tools/keras_interop/application_facts.py),
its width/size arguments and a forward pass."""

import pytest

from lamina import layers
from lamina.applications import imagenet_utils, mobilenet_v2
from tests.applications.application_checks import (
    build_without_initializing,
    check_forward,
    check_keras_facts,
    fetched_files,
    slow_on_jax,
)

# count_params (classifier, include_top=False), number of layers, digest of their names
KERAS_FACTS = (3538984, 2257984, 156, "c012b6e1f9c8c7c5")


def test_matches_keras():
    check_keras_facts(mobilenet_v2.MobileNetV2, KERAS_FACTS)


@slow_on_jax
def test_forward_pass(rng):
    assert check_forward(mobilenet_v2.MobileNetV2, rng, size=33, classes=5).shape == (2, 5)


def test_width_size_and_input_tensor():
    model = build_without_initializing(
        mobilenet_v2.MobileNetV2,
        include_top=False,
        input_tensor=layers.Input((96, 96, 3)),
        alpha=1.4,
    )
    assert model.name == "mobilenetv2_1.40_None"  # as Keras: the size comes from input_shape
    assert model.output.shape == (None, 3, 3, 1792)  # 1280 * 1.4
    with pytest.raises(ValueError, match="input_shape"):
        mobilenet_v2.MobileNetV2(
            weights=None, input_tensor=layers.Input((96, 96, 3)), input_shape=(64, 64, 3)
        )
    with pytest.raises(ValueError, match="alpha=0.6"):
        mobilenet_v2.MobileNetV2(alpha=0.6)


def test_correct_pad():
    assert imagenet_utils.correct_pad(layers.Input((32, 31, 3)), 3) == ((0, 1), (1, 1))
    assert imagenet_utils.correct_pad(layers.Input((None, None, 3)), (5, 3)) == ((1, 2), (0, 1))


def test_keras_weight_file_names(monkeypatch):
    name = "mobilenet_v2_weights_tf_dim_ordering_tf_kernels_0.35_96_no_top.h5"
    calls = fetched_files(
        monkeypatch,
        lambda: mobilenet_v2.MobileNetV2(include_top=False, input_shape=(96, 96, 3), alpha=0.35),
    )
    assert calls == [(name, mobilenet_v2.BASE_WEIGHT_PATH + name, "models", None)]
    name = "mobilenet_v2_weights_tf_dim_ordering_tf_kernels_1.0_224.h5"
    assert fetched_files(monkeypatch, mobilenet_v2.MobileNetV2)[0][0] == name
