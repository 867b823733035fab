import numpy as np
import pytest

import lamina
from lamina import backend, layers, ops
from tests.harness import assert_close, check_config_roundtrip, engine_gradients, numeric_gradients
from tests.layers.attention.attention_reference import combine_masks, projection_attention

B, T, S, DIM = 2, 4, 5, 6


def _inputs(rng, q_len=T, kv_len=S, dim=DIM):
    query = rng.standard_normal((B, q_len, dim)).astype("float32")
    value = rng.standard_normal((B, kv_len, dim)).astype("float32")
    return query, value


def _kept(x, query_mask):
    """The query positions that attend to something. A fully masked query row is uniform on
    the fused path and zero on the explicit one (as in Keras): either is padding."""
    x = ops.convert_to_numpy(x) if not isinstance(x, np.ndarray) else x
    return x if query_mask is None else x[query_mask]


def _both_paths(layer, *args, query_mask=None, **kwargs):
    """The output without scores (the fused op) and with them (the explicit path)."""
    if query_mask is not None:
        kwargs["query_mask"] = query_mask
    fused = layer(*args, **kwargs)
    explicit, scores = layer(*args, return_attention_scores=True, **kwargs)
    assert_close(_kept(fused, query_mask), _kept(explicit, query_mask), rtol=1e-5, atol=1e-5)
    return explicit, scores


@pytest.mark.parametrize(
    "masks",
    [{}, {"attention_mask": True}, {"use_causal_mask": True}, {"query_mask": True},
     {"value_mask": True, "use_causal_mask": True}],
    ids=["plain", "attention_mask", "causal", "query_mask", "value_mask_causal"],
)  # fmt: skip
def test_multi_head_attention_matches_numpy(masks, rng):
    query, value = _inputs(rng, kv_len=T if masks.get("use_causal_mask") else S)
    kv_len = value.shape[1]
    arguments = {"use_causal_mask": masks.get("use_causal_mask", False)}
    reference_masks = dict(arguments)
    if masks.get("attention_mask"):
        arguments["attention_mask"] = reference_masks["attention_mask"] = (
            rng.random((B, T, kv_len)) < 0.7
        )
    for name, length in (("query_mask", T), ("value_mask", kv_len)):
        if masks.get(name):
            mask = rng.random((B, length)) < 0.7
            mask[:, 0] = True
            arguments[name] = reference_masks[name] = mask
    layer = layers.MultiHeadAttention(num_heads=2, key_dim=3)
    output, scores = _both_paths(layer, query, value, **arguments)
    mask = combine_masks(T, kv_len, **reference_masks) if masks else None
    want, want_scores = projection_attention(layer.get_weights(), query, value, value, mask)
    kept = arguments.get("query_mask")
    assert_close(_kept(output, kept), _kept(want, kept), rtol=1e-5, atol=1e-5)
    assert_close(scores, want_scores, rtol=1e-5, atol=1e-5)


def test_key_value_dim_and_output_shape(rng):
    query, value = _inputs(rng)
    key = rng.standard_normal((B, S, 3)).astype("float32")
    layer = layers.MultiHeadAttention(2, key_dim=3, value_dim=4, output_shape=(7,))
    output, scores = _both_paths(layer, query, value, key=key)
    assert tuple(ops.shape(output)) == (B, T, 7)
    assert tuple(ops.shape(scores)) == (B, 2, T, S)
    shapes = [tuple(w.shape) for w in layer.get_weights()]
    assert shapes == [(6, 2, 3), (2, 3), (3, 2, 3), (2, 3), (6, 2, 4), (2, 4), (2, 4, 7), (7,)]
    want, _ = projection_attention(layer.get_weights(), query, value, key, None)
    assert_close(output, want, rtol=1e-5, atol=1e-5)


def test_keras_masks_of_the_inputs_are_used_and_propagated(rng):
    query, value = _inputs(rng)
    query_mask = np.array([[True, True, True, False], [True, True, False, False]])
    value_mask = np.array([[True] * 5, [True, True, True, False, False]])
    q, v = ops.convert_to_tensor(query), ops.convert_to_tensor(value)
    backend.set_keras_mask(q, ops.convert_to_tensor(query_mask))
    backend.set_keras_mask(v, ops.convert_to_tensor(value_mask))
    layer = layers.MultiHeadAttention(2, 3)
    output = layer(q, v)
    mask = combine_masks(T, S, query_mask=query_mask, value_mask=value_mask)
    want, _ = projection_attention(layer.get_weights(), query, value, value, mask)
    assert_close(_kept(output, query_mask), _kept(want, query_mask), rtol=1e-5, atol=1e-5)
    np.testing.assert_array_equal(ops.convert_to_numpy(backend.get_keras_mask(output)), query_mask)


def test_attention_over_two_axes(rng):
    x = rng.standard_normal((B, 2, 3, DIM)).astype("float32")
    layer = layers.MultiHeadAttention(2, 3, attention_axes=(1, 2))
    output, scores = layer(x, x, return_attention_scores=True)
    assert tuple(ops.shape(scores)) == (B, 2, 2, 3, 2, 3)
    # Attending over axes (1, 2) jointly is attending over them flattened into one.
    flat = x.reshape(B, 6, DIM)
    want, want_scores = projection_attention(layer.get_weights(), flat, flat, flat, None)
    assert_close(output, want.reshape(B, 2, 3, DIM), rtol=1e-5, atol=1e-5)
    assert_close(scores, want_scores.reshape(B, 2, 2, 3, 2, 3), rtol=1e-5, atol=1e-5)


def test_without_bias_and_with_gate(rng):
    query, value = _inputs(rng)
    layer = layers.MultiHeadAttention(2, 3, use_bias=False)
    weights = _weights(layer, query, value)
    want, _ = projection_attention(weights, query, value, value, None, use_bias=False)
    assert_close(layer(query, value), want, rtol=1e-5, atol=1e-5)
    gated = layers.MultiHeadAttention(2, 3, use_gate=True)
    gated(query, value)
    names = [w.path.split("/", 1)[1] for w in gated.weights]
    assert names[:6] == ["query/kernel", "query/bias", "key/kernel", "key/bias", "gate/kernel",
                         "gate/bias"]  # fmt: skip


def _weights(layer, query, value):
    layer(query, value)
    return layer.get_weights()


@pytest.mark.training
def test_multi_head_attention_gradients(rng):
    query = rng.standard_normal((1, 3, 4))
    layer = layers.MultiHeadAttention(2, 2, dtype="float32")
    layer(query.astype("float32"), query.astype("float32"))
    weights = [np.asarray(w, np.float64) for w in layer.get_weights()]

    def reference(q, *ws):
        return projection_attention(ws, q, q, q, combine_masks(3, 3, use_causal_mask=True))[0]

    got = engine_gradients(
        lambda q: layer(q, q, use_causal_mask=True), [query.astype("float32")], layer.weights
    )
    for g, w in zip(got, numeric_gradients(reference, [query, *weights])):
        assert_close(g, w, rtol=1e-3, atol=1e-4)


def test_dropout_only_in_training(rng):
    query, value = _inputs(rng)
    layer = layers.MultiHeadAttention(2, 3, dropout=0.5, seed=1)
    inference = layer(query, value)
    want, _ = projection_attention(layer.get_weights(), query, value, value, None)
    assert_close(inference, want, rtol=1e-5, atol=1e-5)
    assert not np.allclose(ops.convert_to_numpy(layer(query, value, training=True)), want)


def test_symbolic_shapes_equal_eager(rng):
    query, value = _inputs(rng)
    layer = layers.MultiHeadAttention(2, 3, output_shape=5)
    q_in, v_in = lamina.Input((T, DIM)), lamina.Input((None, DIM))
    output, scores = layer(q_in, v_in, return_attention_scores=True)
    eager, eager_scores = layer(query, value, return_attention_scores=True)
    assert output.shape == (None, T, 5)
    assert scores.shape == (None, 2, T, None)
    assert tuple(ops.shape(eager)) == (B, T, 5)
    assert tuple(ops.shape(eager_scores)) == (B, 2, T, S)
    model = lamina.Model([q_in, v_in], output)
    assert_close(model.predict([query, value], verbose=0), eager, rtol=1e-5, atol=1e-5)


def test_config_roundtrip_and_build_config(rng):
    layer = layers.MultiHeadAttention(
        2, 3, value_dim=4, dropout=0.1, output_shape=(5,), attention_axes=1, sliding_window=3,
        kernel_regularizer="l2", seed=4,
    )  # fmt: skip
    clone = check_config_roundtrip(layer)
    assert clone.value_dim == 4
    assert clone.attention_axes == (1,)
    layer(*_inputs(rng))
    rebuilt = layers.MultiHeadAttention.from_config(layer.get_config())
    rebuilt.build_from_config(layer.get_build_config())
    assert [tuple(w.shape) for w in rebuilt.weights] == [tuple(w.shape) for w in layer.weights]


def test_sliding_window(rng):
    query, _ = _inputs(rng)
    layer = layers.MultiHeadAttention(2, 3, sliding_window=2)
    output, _ = _both_paths(layer, query, query, use_causal_mask=True)
    band = np.abs(np.arange(T)[:, None] - np.arange(T)[None]) < 2
    mask = combine_masks(T, T, use_causal_mask=True) & band[None]
    want, _ = projection_attention(layer.get_weights(), query, query, query, mask)
    assert_close(output, want, rtol=1e-5, atol=1e-5)


def test_flash_attention_setting():
    lamina.config.disable_flash_attention()
    try:
        assert lamina.config.is_flash_attention_enabled() is False
        assert layers.MultiHeadAttention(2, 3)._flash_attention is False
    finally:
        lamina.config.enable_flash_attention()
    assert lamina.config.is_flash_attention_enabled() is None


def test_bad_arguments(rng):
    with pytest.raises(ValueError, match="num_heads must be a positive integer"):
        layers.MultiHeadAttention(0, 3)
    with pytest.raises(ValueError, match="key_dim must be a positive integer"):
        layers.MultiHeadAttention(2, -1)
    with pytest.raises(ValueError, match="dropout is not supported with flash_attention"):
        layers.MultiHeadAttention(2, 3, dropout=0.2, flash_attention=True)
    with pytest.raises(TypeError, match="attention_axes must be"):
        layers.MultiHeadAttention(2, 3, attention_axes="1")
    query, value = _inputs(rng)
    with pytest.raises(ValueError, match="value and key must agree"):
        layers.MultiHeadAttention(2, 3)(query, value, key=query)
