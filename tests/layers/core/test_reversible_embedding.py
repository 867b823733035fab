import numpy as np
import pytest

import lamina as keras
from lamina import ops
from lamina.backend.common.masking import get_keras_mask
from lamina.layers import ReversibleEmbedding
from tests.harness import (
    assert_close,
    check_config_roundtrip,
    engine_gradients,
    numeric_gradients,
    to_numpy,
)


def test_forward_is_a_lookup_and_reverse_the_tied_projection(rng):
    layer = ReversibleEmbedding(7, 3, dtype="float64")
    ids = np.array([[1, 6, 0]])
    hidden = layer(ids)
    table = to_numpy(layer.embeddings)
    assert_close(hidden, table[ids])
    h = rng.standard_normal((2, 4, 3))
    assert_close(layer(h, reverse=True), h @ table.T)
    assert [v.path for v in layer.weights] == ["reversible_embedding/embeddings"]


def test_untied_weights_soft_cap_and_reverse_dtype(rng):
    layer = ReversibleEmbedding(
        5, 3, tie_weights=False, logit_soft_cap=2.0, reverse_dtype="float64"
    )
    layer.build()
    assert [v.name for v in layer.weights] == ["embeddings", "reverse_embeddings"]
    assert layer.reverse_embeddings.shape == (3, 5)
    h = rng.standard_normal((2, 3))
    logits = layer(h.astype("float32"), reverse=True)
    assert ops.dtype(logits) == "float64"
    reverse = to_numpy(layer.reverse_embeddings)
    assert_close(logits, np.tanh(h.astype("float32") @ reverse / 2.0) * 2.0, rtol=1e-6)


def test_reverse_gradients_match_finite_differences(rng):
    layer = ReversibleEmbedding(4, 3, logit_soft_cap=3.0, dtype="float64")
    layer.build()
    table = rng.standard_normal((4, 3))
    layer.set_weights([table])
    h, weights = rng.standard_normal((2, 3)), rng.standard_normal((2, 4))
    got = engine_gradients(
        lambda h: ops.multiply(layer(h, reverse=True), weights), [h], variables=layer.weights
    )
    want = numeric_gradients(lambda h, t: np.tanh(h @ t.T / 3.0) * 3.0 * weights, [h, table])
    for g, w in zip(got, want):
        assert_close(g, w, rtol=1e-5, atol=1e-7)


def test_masks_symbolic_shapes_and_config():
    layer = ReversibleEmbedding(10, 4, mask_zero=True, logit_soft_cap=30.0)
    ids = keras.Input((5,), dtype="int32")
    hidden = layer(ids)
    assert hidden.shape == (None, 5, 4)
    assert layer(hidden, reverse=True).shape == (None, 5, 10)
    eager = layer(np.array([[3, 0]]))
    assert to_numpy(get_keras_mask(eager)).tolist() == [[True, False]]
    assert layer.compute_mask(np.ones((1, 2, 4), "float32")) is None
    config = check_config_roundtrip(layer).get_config()
    assert config["logit_soft_cap"] == 30.0
    assert config["tie_weights"] is True
    assert config["reverse_dtype"] is None


def test_bad_arguments():
    with pytest.raises(ValueError, match="logit_soft_cap"):
        ReversibleEmbedding(4, 2, logit_soft_cap=-1.0)
    with pytest.raises(ValueError, match="input_dim"):
        ReversibleEmbedding(0, 2)
