import numpy as np
import pytest

import lamina
from lamina import layers, ops
from tests.harness import assert_close, check_config_roundtrip, engine_gradients, numeric_gradients
from tests.layers.attention.attention_reference import combine_masks, projection_attention

B, T, S, DIM = 2, 4, 5, 6


@pytest.mark.parametrize("kv_heads", [1, 2, 4], ids=["mqa", "gqa", "mha"])
@pytest.mark.parametrize("causal", [False, True], ids=["full", "causal"])
def test_group_query_attention_matches_numpy(kv_heads, causal, rng):
    query = rng.standard_normal((B, T, DIM)).astype("float32")
    value = query if causal else rng.standard_normal((B, S, DIM)).astype("float32")
    layer = layers.GroupQueryAttention(head_dim=3, num_query_heads=4, num_key_value_heads=kv_heads)
    fused = layer(query, value, use_causal_mask=causal)
    output, scores = layer(query, value, use_causal_mask=causal, return_attention_scores=True)
    assert_close(fused, output, rtol=1e-5, atol=1e-5, err_msg="fused vs explicit path")
    kv_len = value.shape[1]
    mask = combine_masks(T, kv_len, use_causal_mask=True) if causal else None
    want, want_scores = projection_attention(
        layer.get_weights(), query, value, value, mask, repeats=4 // kv_heads
    )
    assert_close(output, want, rtol=1e-5, atol=1e-5)
    assert_close(scores, want_scores, rtol=1e-5, atol=1e-5)


def test_weights_in_keras_order_and_shapes(rng):
    layer = layers.GroupQueryAttention(3, 4, 2, use_gate=True)
    layer(rng.standard_normal((B, T, DIM)).astype("float32"), rng.standard_normal((B, S, DIM)))
    names = [w.path.split("/", 1)[1] for w in layer.weights]
    assert names == [f"{n}/{w}" for n in ("query", "key", "gate", "value", "attention_output")
                     for w in ("kernel", "bias")]  # fmt: skip
    shapes = [tuple(w.shape) for w in layer.weights]
    assert shapes[:4] == [(6, 4, 3), (4, 3), (6, 2, 3), (2, 3)]
    assert shapes[-2:] == [(4, 3, 6), (6,)]


def test_attention_mask_and_key(rng):
    query = rng.standard_normal((B, T, DIM)).astype("float32")
    value = rng.standard_normal((B, S, DIM)).astype("float32")
    key = rng.standard_normal((B, S, 5)).astype("float32")
    attention_mask = rng.random((B, T, S)) < 0.7
    attention_mask[..., 0] = True
    layer = layers.GroupQueryAttention(3, 4, 2)
    fused = layer(query, value, key=key, attention_mask=attention_mask)
    want, _ = projection_attention(layer.get_weights(), query, value, key, attention_mask,
                                   repeats=2)  # fmt: skip
    assert_close(fused, want, rtol=1e-5, atol=1e-5)


@pytest.mark.training
def test_group_query_attention_gradients(rng):
    query = rng.standard_normal((1, 3, 4))
    layer = layers.GroupQueryAttention(2, 2, 1)
    layer(query.astype("float32"), query.astype("float32"))
    weights = [np.asarray(w, np.float64) for w in layer.get_weights()]

    def reference(q, *ws):
        return projection_attention(ws, q, q, q, None, repeats=2)[0]

    got = engine_gradients(lambda q: layer(q, q), [query.astype("float32")], layer.weights)
    for g, w in zip(got, numeric_gradients(reference, [query, *weights])):
        assert_close(g, w, rtol=1e-3, atol=1e-4)


def test_symbolic_shapes_and_config(rng):
    layer = layers.GroupQueryAttention(3, 4, 2, dropout=0.1, sliding_window=2, seed=3)
    q_in, v_in = lamina.Input((T, DIM)), lamina.Input((S, DIM))
    output, scores = layer(q_in, v_in, return_attention_scores=True)
    assert output.shape == (None, T, DIM)
    assert scores.shape == (None, 4, T, S)
    eager = layer(rng.standard_normal((B, T, DIM)), rng.standard_normal((B, S, DIM)))
    assert tuple(ops.shape(eager)) == (B, T, DIM)
    clone = check_config_roundtrip(layer)
    assert (clone.head_dim, clone.num_query_heads, clone.num_key_value_heads) == (3, 4, 2)


def test_bad_arguments():
    with pytest.raises(ValueError, match="num_query_heads must be a multiple"):
        layers.GroupQueryAttention(3, 4, 3)
    with pytest.raises(ValueError, match="head_dim must be a positive integer"):
        layers.GroupQueryAttention(0, 4, 2)
