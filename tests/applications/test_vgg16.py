"""VGG16 against Keras 3.15.1's facts (tools/keras_interop/application_facts.py) and a
forward pass."""

import pytest

from lamina.applications import vgg16
from tests.applications.application_checks import check_forward, check_keras_facts

# count_params (classifier, include_top=False), number of layers, digest of their names
KERAS_FACTS = (138357544, 14714688, 23, "6ba21e72e9d82565")


@pytest.mark.slow
def test_matches_keras():
    check_keras_facts(vgg16.VGG16, KERAS_FACTS)


@pytest.mark.slow
def test_forward_pass(rng):
    assert check_forward(vgg16.VGG16, rng).shape == (2, 512)
    assert check_forward(vgg16.VGG16, rng, pooling=None).shape == (2, 1, 1, 512)
