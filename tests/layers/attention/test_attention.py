import numpy as np
import pytest

import lamina
from lamina import layers, ops
from tests.harness import assert_close, check_config_roundtrip, engine_gradients, numeric_gradients
from tests.layers.attention.attention_reference import causal, softmax

B, TQ, TV, DIM = 2, 3, 4, 5


def attention_reference(query, value, key, value_mask=None, use_causal_mask=False,
                        scale=1.0, concat_weight=None):  # fmt: skip
    if concat_weight is None:
        scores = scale * query @ np.swapaxes(key, -1, -2)
    else:
        scores = concat_weight * np.tanh(scale * (query[:, :, None] + key[:, None])).sum(-1)
    keep = np.ones(scores.shape, bool)
    if value_mask is not None:
        keep = keep & value_mask[:, None, :]
    if use_causal_mask:
        keep = keep & causal(*scores.shape[-2:])
    weights = softmax(np.where(keep, scores, scores - 1e9))
    return weights @ value, weights


def _inputs(rng):
    return (rng.standard_normal((B, TQ, DIM)).astype("float32"),
            rng.standard_normal((B, TV, DIM)).astype("float32"),
            rng.standard_normal((B, TV, DIM)).astype("float32"))  # fmt: skip


@pytest.mark.parametrize("score_mode", ["dot", "concat"])
@pytest.mark.parametrize("use_causal_mask", [False, True])
def test_attention_matches_numpy(score_mode, use_causal_mask, rng):
    query, value, key = _inputs(rng)
    query_mask = np.array([[True, True, False], [True, True, True]])
    value_mask = np.array([[True, True, True, False], [True, False, True, True]])
    layer = layers.Attention(use_scale=True, score_mode=score_mode)
    layer.build([query.shape, value.shape])
    layer.set_weights([np.asarray(1.7, "float32") for _ in layer.weights])
    output, scores = layer(
        [query, value, key],
        mask=[query_mask, value_mask],
        return_attention_scores=True,
        use_causal_mask=use_causal_mask,
    )
    want, want_scores = attention_reference(
        query, value, key, value_mask, use_causal_mask, scale=1.7,
        concat_weight=1.7 if score_mode == "concat" else None,
    )  # fmt: skip
    assert_close(output, np.where(query_mask[..., None], want, 0.0), rtol=1e-5, atol=1e-5)
    assert_close(scores, want_scores, rtol=1e-5, atol=1e-5)


def test_mask_propagation_and_symbolic_shapes(rng):
    query, value, _ = _inputs(rng)
    layer = layers.Attention()
    q_mask = np.array([[True, False, True], [True, True, True]])
    assert layer.compute_mask([query, value], [q_mask, None]) is not None
    assert layer.compute_mask([query, value], None) is None
    q_in, v_in = lamina.Input((TQ, DIM)), lamina.Input((TV, DIM))
    output, scores = layer([q_in, v_in], return_attention_scores=True)
    eager, eager_scores = layer([query, value], return_attention_scores=True)
    assert output.shape == (None, TQ, DIM)
    assert scores.shape == (None, TQ, TV)
    assert tuple(ops.shape(eager)) == (B, TQ, DIM)
    assert tuple(ops.shape(eager_scores)) == (B, TQ, TV)


@pytest.mark.training
def test_attention_gradients(rng):
    query, value, key = (rng.standard_normal((1, 2, 3)) for _ in range(3))
    layer = layers.Attention(use_scale=True)
    layer([query, value, key])

    def fn(q, v, k):
        return layer([q, v, k])

    def reference(q, v, k, scale):
        return attention_reference(q, v, k, scale=scale)[0]

    arrays = [a.astype("float32") for a in (query, value, key)]
    got = engine_gradients(fn, arrays, layer.weights)
    want = numeric_gradients(reference, [query, value, key, np.float64(1.0)])
    for g, w in zip(got, want):
        assert_close(g, w, rtol=1e-3, atol=1e-4)


def test_dropout_only_in_training(rng):
    query, value, _ = _inputs(rng)
    layer = layers.Attention(dropout=0.5, seed=2)
    assert_close(layer([query, value]), attention_reference(query, value, value)[0], atol=1e-5)
    assert not np.allclose(ops.convert_to_numpy(layer([query, value], training=True)),
                           attention_reference(query, value, value)[0])  # fmt: skip


def test_config_and_bad_arguments(rng):
    clone = check_config_roundtrip(layers.Attention(use_scale=True, score_mode="concat"))
    assert clone.score_mode == "concat"
    with pytest.raises(ValueError, match="score_mode must be one of"):
        layers.Attention(score_mode="sum")
    query, value, _ = _inputs(rng)
    with pytest.raises(ValueError, match=r"must be called on a list \[query, value\]"):
        layers.Attention()(query)
