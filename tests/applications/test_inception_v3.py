"""InceptionV3 against Keras 3.15.1's facts (tools/keras_interop/application_facts.py) and a
forward pass on its smallest input (75 x 75)."""

from lamina.applications import inception_v3
from tests.applications.application_checks import (
    check_forward,
    check_keras_facts,
    fetched_files,
    slow_on_jax,
)

# count_params (classifier, include_top=False), number of layers, digest of their names
KERAS_FACTS = (23851784, 21802784, 313, "a1f938baf2ccfc18")


@slow_on_jax
def test_matches_keras():
    check_keras_facts(inception_v3.InceptionV3, KERAS_FACTS)


@slow_on_jax
def test_forward_pass(rng):
    assert check_forward(inception_v3.InceptionV3, rng, size=75, classes=3).shape == (2, 3)


def test_preprocess_input_is_tf_mode(rng):
    images = rng.uniform(0, 255, (2, 4, 4, 3))
    assert abs(inception_v3.preprocess_input(images) - (images / 127.5 - 1)).max() < 1e-9


@slow_on_jax
def test_keras_weight_file_names(monkeypatch):
    name = "inception_v3_weights_tf_dim_ordering_tf_kernels.h5"
    calls = fetched_files(monkeypatch, inception_v3.InceptionV3)
    assert calls == [
        (name, inception_v3.BASE_WEIGHTS_PATH + name, "models", "9a0d58056eeedaa3f26cb7ebd46da564")
    ]
