"""ConvNeXt Tiny..XLarge against Keras 3.15.1's facts (tools/keras_interop/application_facts.py),
its private layers against NumPy, and a forward pass."""

import numpy as np
import pytest

from lamina.applications import convnext
from tests.applications.application_checks import (
    build_without_initializing,
    check_forward,
    check_keras_facts,
    fetched_files,
    slow_on_jax,
    variants,
)
from tests.harness import assert_close, to_numpy

# count_params (classifier, include_top=False), number of layers, digest of their names
KERAS_FACTS = {
    "ConvNeXtTiny": (28589128, 27820128, 135, "a20b4ada36fdc8d9"),
    "ConvNeXtSmall": (50223688, 49454688, 261, "dfd1f42dd0d10c15"),
    "ConvNeXtBase": (88591464, 87566464, 261, "a37bfac5c69a84dc"),
    "ConvNeXtLarge": (197767336, 196230336, 261, "1aa56b6c023a9d98"),
    "ConvNeXtXLarge": (350196968, 348147968, 261, "6913f5c410f2b3fe"),
}


@pytest.mark.parametrize("name", variants(KERAS_FACTS, fast="ConvNeXtTiny"))
def test_matches_keras(name):
    # The residual sums are ops, which NumPy's shape inference computes: a static size
    # keeps them small.
    check_keras_facts(getattr(convnext, name), KERAS_FACTS[name], notop_input_shape=(32, 32, 3))


@slow_on_jax
def test_forward_pass(rng):
    assert check_forward(convnext.ConvNeXtTiny, rng, classes=3).shape == (2, 3)


def test_layer_scale_and_stochastic_depth(rng):
    x = rng.standard_normal((4, 2, 2, 3)).astype("float32")
    scale = convnext.LayerScale(0.5, 3)
    assert_close(scale(x), x * 0.5)
    assert scale.get_config()["init_values"] == 0.5
    depth = convnext.StochasticDepth(0.5)
    assert_close(depth(x), x)  # inference: the identity
    dropped = to_numpy(depth(x, training=True))
    for sample, out in zip(x, dropped):  # each sample kept whole (scaled by 2) or dropped
        assert np.allclose(out, 0) or np.allclose(out, sample * 2, rtol=1e-5)
    assert convnext.StochasticDepth(0.25).get_config()["drop_path_rate"] == 0.25


def test_preprocessing_and_variant_checks(monkeypatch):
    model = build_without_initializing(convnext.ConvNeXtTiny, include_preprocessing=False)
    assert model.layers[1].name == "convnext_tiny_stem"
    with pytest.raises(ValueError, match="my_model"):
        fetched_files(monkeypatch, lambda: convnext.ConvNeXtTiny(name="my_model"))
    images = np.ones((1, 2, 2, 3), "float32")
    assert convnext.preprocess_input(images) is images


@slow_on_jax
def test_keras_weight_file_names(monkeypatch):
    calls = fetched_files(
        monkeypatch, lambda: convnext.ConvNeXtTiny(include_top=False, input_shape=(32, 32, 3))
    )
    assert calls == [
        (
            "convnext_tiny_notop.h5",
            convnext.BASE_WEIGHTS_PATH + "convnext_tiny_notop.h5",
            "models",
            convnext.WEIGHTS_HASHES["convnext_tiny"][1],
        )
    ]


@pytest.mark.slow  # a 110 MB file; the layers' round trip is in test_keras_application_files
def test_whole_model_round_trips_a_keras_file(tmp_path, rng):
    from lamina import saving
    from tests.applications.application_checks import seeded_weights

    model = build_without_initializing(
        convnext.ConvNeXtTiny, include_top=False, input_shape=(32, 32, 3), pooling="avg"
    )
    seeded_weights(model, rng)
    model.save(tmp_path / "convnext_tiny.keras")
    loaded = saving.load_model(tmp_path / "convnext_tiny.keras")
    images = rng.uniform(0, 255, (2, 32, 32, 3)).astype("float32")
    assert_close(loaded(images), to_numpy(model(images)), atol=1e-4)
