"""ResNet50V2/101V2/152V2 against Keras 3.15.1's facts (tools/keras_interop/application_facts.py)
and a forward pass."""

import pytest

from lamina.applications import resnet_v2
from tests.applications.application_checks import check_forward, check_keras_facts

# count_params (classifier, include_top=False), number of layers, digest of their names
KERAS_FACTS = {
    "ResNet50V2": (25613800, 23564800, 192, "6afe8babfd68ecbc"),
    "ResNet101V2": (44675560, 42626560, 379, "1f6f391fbc339ac7"),
    "ResNet152V2": (60380648, 58331648, 566, "b632282e24472510"),
}


@pytest.mark.parametrize(
    "name",
    [pytest.param(n, marks=[pytest.mark.slow] if n != "ResNet50V2" else []) for n in KERAS_FACTS],
)
def test_matches_keras(name):
    check_keras_facts(getattr(resnet_v2, name), KERAS_FACTS[name])


@pytest.mark.slow
def test_forward_pass(rng):
    assert check_forward(resnet_v2.ResNet50V2, rng, classes=5).shape == (2, 5)


def test_preprocess_input_is_tf_mode(rng):
    images = rng.uniform(0, 255, (2, 4, 4, 3))
    assert abs(resnet_v2.preprocess_input(images) - (images / 127.5 - 1)).max() < 1e-9
