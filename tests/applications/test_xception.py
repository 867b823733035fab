"""Xception against Keras 3.15.1's facts (tools/keras_interop/application_facts.py) and a
forward pass on its smallest input (71 x 71)."""

from lamina.applications import xception
from tests.applications.application_checks import (
    check_forward,
    check_keras_facts,
    fetched_files,
    slow_on_jax,
)

# count_params (classifier, include_top=False), number of layers, digest of their names
KERAS_FACTS = (22910480, 20861480, 134, "7af4a8e49f83d1da")


@slow_on_jax
def test_matches_keras():
    check_keras_facts(xception.Xception, KERAS_FACTS)


@slow_on_jax
def test_forward_pass(rng):
    assert check_forward(xception.Xception, rng, size=71, classes=3).shape == (2, 3)


def test_preprocess_input_is_tf_mode(rng):
    images = rng.uniform(0, 255, (2, 4, 4, 3))
    assert abs(xception.preprocess_input(images) - (images / 127.5 - 1)).max() < 1e-9


@slow_on_jax
def test_keras_weight_file_names(monkeypatch):
    name = "xception_weights_tf_dim_ordering_tf_kernels.h5"
    calls = fetched_files(monkeypatch, xception.Xception)
    assert calls == [
        (name, xception.BASE_WEIGHTS_PATH + name, "models", "0a58e3b7378bc2990ea3b43d5981f1f6")
    ]
