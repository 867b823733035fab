import numpy as np
import pytest

from lamina import layers
from tests.harness import assert_close, check_config_roundtrip, engine_gradients, numeric_gradients
from tests.layers.attention.attention_reference import softmax

B, TQ, TV, DIM = 2, 3, 4, 5


def additive_reference(query, value, key, scale, value_mask=None):
    scores = (scale * np.tanh(query[:, :, None] + key[:, None])).sum(-1)  # (B, Tq, Tv)
    if value_mask is not None:
        scores = np.where(value_mask[:, None], scores, scores - 1e9)
    return softmax(scores) @ value


@pytest.mark.parametrize("use_scale", [True, False])
def test_additive_attention_matches_numpy(use_scale, rng):
    query, value, key = (rng.standard_normal((B, t, DIM)).astype("float32")
                         for t in (TQ, TV, TV))  # fmt: skip
    value_mask = np.array([[True, True, False, True], [True, True, True, True]])
    layer = layers.AdditiveAttention(use_scale=use_scale)
    output = layer([query, value, key], mask=[None, value_mask])
    scale = np.asarray(layer.get_weights()[0], np.float64) if use_scale else 1.0
    assert [w.path for w in layer.weights] == (["additive_attention/scale"] if use_scale else [])
    assert_close(output, additive_reference(query, value, key, scale, value_mask), atol=1e-5)


@pytest.mark.training
def test_additive_attention_gradients(rng):
    query, value = rng.standard_normal((1, 2, 3)), rng.standard_normal((1, 3, 3))
    layer = layers.AdditiveAttention()
    layer([query.astype("float32"), value.astype("float32")])
    scale = np.asarray(layer.get_weights()[0], np.float64)
    got = engine_gradients(
        lambda q, v: layer([q, v]),
        [query.astype("float32"), value.astype("float32")],
        layer.weights,
    )
    want = numeric_gradients(lambda q, v, s: additive_reference(q, v, v, s), [query, value, scale])
    for g, w in zip(got, want):
        assert_close(g, w, rtol=1e-3, atol=1e-4)  # fmt: skip


def test_config_has_no_score_mode():
    config = check_config_roundtrip(layers.AdditiveAttention(use_scale=False, dropout=0.2))
    assert "score_mode" not in config.get_config()
    assert config.dropout == 0.2
