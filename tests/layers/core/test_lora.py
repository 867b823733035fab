"""LoRA on Dense, EinsumDense and Embedding: Keras's weights, maths, saving and training."""

from __future__ import annotations

import numpy as np
import pytest

import lamina
from lamina import layers
from tests.harness import assert_close, check_config_roundtrip, to_numpy

RNG = np.random.default_rng(7)


def _dense_reference(x, kernel, bias, a, b, alpha, rank):
    merged = kernel.astype(np.float64) + (alpha / rank) * (a.astype(np.float64) @ b)
    return x.astype(np.float64) @ merged + bias


def _set_random_factors(layer):
    for variable in layer.weights:
        if "lora" in variable.name:
            variable.assign(RNG.normal(size=variable.shape).astype("float32"))


def test_dense_lora_weights_order_and_trainability():
    layer = layers.Dense(3, lora_rank=2)
    layer.build((None, 4))
    assert [w.name for w in layer.weights] == ["kernel", "bias", "lora_kernel_a", "lora_kernel_b"]
    assert [w.name for w in layer.trainable_weights] == ["bias", "lora_kernel_a", "lora_kernel_b"]
    assert [w.name for w in layer.non_trainable_weights] == ["kernel"]
    assert tuple(layer.lora_kernel_a.shape) == (4, 2)
    assert tuple(layer.lora_kernel_b.shape) == (2, 3)
    assert layer.lora_kernel_a.dtype == "float32"


@pytest.mark.parametrize("alpha", [None, 3.0])
def test_dense_lora_matches_numpy(alpha):
    x = RNG.normal(size=(5, 4)).astype("float32")
    layer = layers.Dense(3, lora_rank=2, lora_alpha=alpha)
    plain = to_numpy(layer(x))
    kernel, bias = (to_numpy(w) for w in layer.weights[:2])
    # B starts at zero: enabling LoRA leaves the outputs unchanged.
    assert_close(plain, x @ kernel + bias, rtol=1e-5, atol=1e-5)
    _set_random_factors(layer)
    a, b = to_numpy(layer.lora_kernel_a), to_numpy(layer.lora_kernel_b)
    expected = _dense_reference(x, kernel, bias, a, b, alpha or 2, 2)
    assert_close(to_numpy(layer(x)), expected, rtol=1e-4, atol=1e-4)
    assert layer.lora_alpha == (alpha or 2)


def test_enable_lora_on_built_dense_and_errors():
    layer = layers.Dense(3)
    with pytest.raises(ValueError, match="built"):
        layer.enable_lora(2)
    layer.build((None, 4))
    layer.enable_lora(2, lora_alpha=4)
    assert layer.lora_enabled
    assert layer.get_config()["lora_rank"] == 2
    assert layer.get_config()["lora_alpha"] == 4
    with pytest.raises(ValueError, match="already enabled"):
        layer.enable_lora(2)
    constrained = layers.Dense(3, kernel_constraint="non_neg")
    constrained.build((None, 4))
    with pytest.raises(ValueError, match="kernel_constraint"):
        constrained.enable_lora(2)
    with pytest.raises(ValueError, match="lora_rank"):
        layers.Dense(3, lora_rank=0)
    assert "lora_rank" not in layers.Dense(3).get_config()


def test_einsum_dense_lora_matches_numpy():
    x = RNG.normal(size=(2, 5, 4)).astype("float32")
    layer = layers.EinsumDense(
        "abc,cde->abde", output_shape=(None, 3, 2), bias_axes="de", lora_rank=2
    )
    layer(x)
    assert [w.name for w in layer.weights] == ["kernel", "bias", "lora_kernel_a", "lora_kernel_b"]
    assert tuple(layer.lora_kernel_a.shape) == (4, 3, 2)
    assert tuple(layer.lora_kernel_b.shape) == (2, 2)
    _set_random_factors(layer)
    kernel, bias = (to_numpy(w).astype(np.float64) for w in layer.weights[:2])
    a, b = to_numpy(layer.lora_kernel_a), to_numpy(layer.lora_kernel_b)
    merged = kernel + (2 / 2) * np.matmul(a.astype(np.float64), b)
    expected = np.einsum("abc,cde->abde", x.astype(np.float64), merged) + bias
    assert_close(to_numpy(layer(x)), expected, rtol=1e-4, atol=1e-4)


def test_embedding_lora_matches_numpy():
    ids = RNG.integers(0, 6, size=(3, 4))
    layer = layers.Embedding(6, 5, lora_rank=3, lora_alpha=1.5)
    layer(ids)
    assert [w.name for w in layer.weights] == [
        "embeddings",
        "lora_embeddings_a",
        "lora_embeddings_b",
    ]
    _set_random_factors(layer)
    table = to_numpy(layer.weights[0]).astype(np.float64)
    a, b = to_numpy(layer.lora_embeddings_a), to_numpy(layer.lora_embeddings_b)
    merged = table + (1.5 / 3) * (a.astype(np.float64) @ b)
    assert_close(to_numpy(layer(ids)), merged[ids], rtol=1e-4, atol=1e-4)


def test_lora_config_roundtrip():
    check_config_roundtrip(layers.Dense(3, lora_rank=2, lora_alpha=5))
    check_config_roundtrip(layers.Embedding(6, 4, lora_rank=2))
    check_config_roundtrip(layers.EinsumDense("ab,bc->ac", output_shape=3, lora_rank=1))


def test_saved_file_holds_the_merged_kernel(tmp_path):
    """As Keras: the file holds kernel + update; loading zeroes the factors, and the file
    loads into a model without LoRA with the same outputs."""
    x = RNG.normal(size=(4, 4)).astype("float32")
    inputs = lamina.Input((4,))
    model = lamina.Model(inputs, layers.Dense(3, lora_rank=2, name="d")(inputs))
    _set_random_factors(model.get_layer("d"))
    expected = to_numpy(model(x))
    path = tmp_path / "lora.keras"
    model.save(path)
    loaded = lamina.saving.load_model(path)
    dense = loaded.get_layer("d")
    assert dense.lora_enabled
    assert np.all(to_numpy(dense.lora_kernel_a) == 0)
    assert np.all(to_numpy(dense.lora_kernel_b) == 0)
    assert_close(to_numpy(loaded(x)), expected, rtol=1e-5, atol=1e-5)
    weights_path = tmp_path / "lora.weights.h5"
    model.save_weights(weights_path)
    plain = lamina.Model(inputs := lamina.Input((4,)), layers.Dense(3, name="d")(inputs))
    plain.load_weights(weights_path)
    assert_close(to_numpy(plain(x)), expected, rtol=1e-5, atol=1e-5)


@pytest.mark.training
def test_fit_trains_only_the_factors():
    x = RNG.normal(size=(32, 4)).astype("float32")
    y = RNG.normal(size=(32, 3)).astype("float32")
    model = lamina.Sequential([lamina.Input((4,)), layers.Dense(3, lora_rank=2)])
    dense = model.layers[0]
    kernel_before = to_numpy(dense.weights[0]).copy()
    b_before = to_numpy(dense.lora_kernel_b).copy()
    model.compile(optimizer="sgd", loss="mse")
    history = model.fit(x, y, epochs=3, batch_size=8, verbose=0)
    assert np.array_equal(to_numpy(dense.weights[0]), kernel_before)
    assert not np.allclose(to_numpy(dense.lora_kernel_b), b_before)
    assert history.history["loss"][-1] < history.history["loss"][0]
