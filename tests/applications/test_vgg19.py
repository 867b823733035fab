"""VGG19 against Keras 3.15.1's facts (tools/keras_interop/application_facts.py) and a
forward pass."""

import pytest

from lamina.applications import vgg19
from tests.applications.application_checks import check_forward, check_keras_facts

# count_params (classifier, include_top=False), number of layers, digest of their names
KERAS_FACTS = (143667240, 20024384, 26, "4d24e159bf723006")


@pytest.mark.slow
def test_matches_keras():
    check_keras_facts(vgg19.VGG19, KERAS_FACTS)


@pytest.mark.slow
def test_forward_pass(rng):
    assert check_forward(vgg19.VGG19, rng).shape == (2, 512)
    assert check_forward(vgg19.VGG19, rng, pooling=None).shape == (2, 1, 1, 512)
