"""ResNet50/101/152 against Keras 3.15.1's facts (tools/keras_interop/application_facts.py)
and a forward pass."""

import pytest

from lamina.applications import resnet
from tests.applications.application_checks import check_forward, check_keras_facts, slow_on_jax

# count_params (classifier, include_top=False), number of layers, digest of their names
KERAS_FACTS = {
    "ResNet50": (25636712, 23587712, 177, "bb97e61fb3ad0d7d"),
    "ResNet101": (44707176, 42658176, 347, "dfec9a3331590a22"),
    "ResNet152": (60419944, 58370944, 517, "eac14d8894720065"),
}


@pytest.mark.parametrize(
    "name",
    [pytest.param(n, marks=[pytest.mark.slow] if n != "ResNet50" else []) for n in KERAS_FACTS],
)
def test_matches_keras(name):
    check_keras_facts(getattr(resnet, name), KERAS_FACTS[name])


@slow_on_jax
def test_forward_pass(rng):
    assert check_forward(resnet.ResNet50, rng, classes=5).shape == (2, 5)


def test_preprocess_input_is_caffe_mode(rng):
    images = rng.uniform(0, 255, (2, 4, 4, 3))
    expected = images[..., ::-1] - [103.939, 116.779, 123.68]
    assert abs(resnet.preprocess_input(images) - expected).max() < 1e-9
