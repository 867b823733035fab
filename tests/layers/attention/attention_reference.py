"""Float64 NumPy references of the attention layers, from weights taken off the layer."""

from __future__ import annotations

import numpy as np


def softmax(x, axis=-1):
    e = np.exp(x - x.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


def causal(q_len, kv_len):
    return np.tril(np.ones((q_len, kv_len), bool))[None]  # (1, T, S)


def heads_attention(query, key, value, mask):
    """query (B, T, N, H), key/value (B, S, N, H'), mask (B, T, S) or None: (output, scores)."""
    logits = np.einsum("btnh,bsnh->bnts", query / np.sqrt(query.shape[-1]), key)
    if mask is not None:
        logits = np.where(mask[:, None], logits, -1e9)
    scores = softmax(logits)
    if mask is not None:
        scores = np.where(mask[:, None], scores, 0.0)  # Keras's Softmax zeroes masked entries
    return np.einsum("bnts,bsnh->btnh", scores, value), scores


def projection_attention(weights, query, value, key, mask, use_bias=True, repeats=1):
    """Project (B, T, dim) query and (B, S, dim) value/key with MultiHeadAttention's (or
    GroupQueryAttention's) weights, attend, project back: (output, scores)."""
    weights = [np.asarray(w, np.float64) for w in weights]
    if use_bias:
        wq, bq, wk, bk, wv, bv, wo, bo = weights
    else:
        (wq, wk, wv, wo), bq, bk, bv, bo = weights, 0.0, 0.0, 0.0, 0.0
    q = np.einsum("btd,dnh->btnh", query, wq) + bq
    k = np.einsum("bsd,dnh->bsnh", key, wk) + bk
    v = np.einsum("bsd,dnh->bsnh", value, wv) + bv
    k, v = np.repeat(k, repeats, axis=2), np.repeat(v, repeats, axis=2)
    heads, scores = heads_attention(q, k, v, mask)
    return np.einsum("btnh,nhe->bte", heads, wo) + bo, scores


def combine_masks(q_len, kv_len, query_mask=None, value_mask=None, attention_mask=None,
                  use_causal_mask=False):  # fmt: skip
    mask = np.ones((1, q_len, kv_len), bool)
    if query_mask is not None:
        mask = mask & query_mask[:, :, None]
    if value_mask is not None:
        mask = mask & value_mask[:, None, :]
    if attention_mask is not None:
        mask = mask & attention_mask
    if use_causal_mask:
        mask = mask & causal(q_len, kv_len)
    return mask
