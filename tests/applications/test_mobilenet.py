"""MobileNet against Keras 3.15.1's facts (tools/keras_interop/application_facts.py), its
width/size arguments and a forward pass."""

import warnings

import pytest

from lamina.applications import mobilenet
from tests.applications.application_checks import (
    build_without_initializing,
    check_forward,
    check_keras_facts,
    fetched_files,
    slow_on_jax,
)

# count_params (classifier, include_top=False), number of layers, digest of their names
KERAS_FACTS = (4253864, 3228864, 91, "4ca8c35bc4d90dfe")


def test_matches_keras():
    check_keras_facts(mobilenet.MobileNet, KERAS_FACTS)


@slow_on_jax
def test_forward_pass(rng):
    assert check_forward(mobilenet.MobileNet, rng, classes=5).shape == (2, 5)


def test_width_and_size():
    model = build_without_initializing(
        mobilenet.MobileNet, include_top=False, input_shape=(32, 32, 3), alpha=0.25, pooling="max"
    )
    assert model.name == "mobilenet_0.25_32"
    assert model.output.shape == (None, 256)
    model = build_without_initializing(
        mobilenet.MobileNet, input_shape=(128, 128, 3), alpha=0.5, depth_multiplier=2
    )
    assert model.name == "mobilenet_0.50_128"
    assert model.get_layer("conv_dw_1").kernel.shape == (3, 3, 16, 2)


def test_imagenet_argument_errors():
    with pytest.raises(ValueError, match="depth_multiplier=2"):
        mobilenet.MobileNet(depth_multiplier=2)
    with pytest.raises(ValueError, match="alpha=0.3"):
        mobilenet.MobileNet(alpha=0.3)


def test_keras_weight_file_names(monkeypatch):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # a 32x32 input loads the 224 weights, with a warning
        files = fetched_files(
            monkeypatch,
            lambda: mobilenet.MobileNet(include_top=False, input_shape=(32, 32, 3), alpha=0.75),
        )
    assert files == [
        (
            "mobilenet_7_5_224_tf_no_top.h5",
            mobilenet.BASE_WEIGHT_PATH + "mobilenet_7_5_224_tf_no_top.h5",
            "models",
            None,
        )
    ]
    assert fetched_files(monkeypatch, lambda: mobilenet.MobileNet(input_shape=(160, 160, 3)))[0][
        0
    ] == ("mobilenet_1_0_160_tf.h5")
