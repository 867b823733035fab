"""lamina.ops.dot_product_attention against a float64 NumPy formula, on every engine; the
engine's fused kernel against the explicit path written once in ops."""

import numpy as np
import pytest

from lamina import backend, ops
from lamina.ops.attention import _explicit_dot_product_attention
from tests.harness import assert_close, engine_gradients, numeric_gradients
from tests.ops.op_harness import OpCase, case_ids, check_eager, check_symbolic


def attention_reference(query, key, value, bias=None, mask=None, scale=None, is_causal=False):
    """softmax(q·k * scale + bias, masked) · v in float64; (B, T, N, H) layout, K | N heads."""
    heads, kv_heads = query.shape[2], key.shape[2]
    key = np.repeat(key, heads // kv_heads, axis=2)
    value = np.repeat(value, heads // kv_heads, axis=2)
    scale = 1.0 / np.sqrt(query.shape[-1]) if scale is None else scale
    logits = np.einsum("btnh,bsnh->bnts", query, key) * scale
    if bias is not None:
        logits = logits + bias
    keep = np.ones(logits.shape, bool)
    if mask is not None:
        keep = keep & mask
    if is_causal:
        keep = keep & np.tril(np.ones(logits.shape[-2:], bool))
    logits = np.where(keep, logits, -1e30)
    weights = np.exp(logits - logits.max(axis=-1, keepdims=True))
    weights /= weights.sum(axis=-1, keepdims=True)
    return np.einsum("bnts,bsnh->btnh", weights, value)


Q, KV = (2, 4, 4, 3), (2, 5, 4, 3)
GQA_KV = (2, 5, 2, 3)
MASK, BIAS = (2, 1, 4, 5), (4, 5)


def _case(label, shapes, kinds, fn, reference):
    return OpCase("dot_product_attention", fn, reference, shapes, kinds, rtol=1e-5, atol=1e-5,
                  label=label)  # fmt: skip


def _plain(**options):
    return lambda q, k, v: ops.dot_product_attention(q, k, v, **options)


def _plain_ref(**options):
    return lambda q, k, v: attention_reference(q, k, v, **options)


CASES = [
    _case("plain", (Q, KV, KV), "normal", _plain(), _plain_ref()),
    _case("causal", (Q, KV, KV), "normal", _plain(is_causal=True), _plain_ref(is_causal=True)),
    _case("scale", (Q, KV, KV), "normal", _plain(scale=0.3), _plain_ref(scale=0.3)),
    _case("self_causal", (Q, Q, Q), "normal", _plain(is_causal=True), _plain_ref(is_causal=True)),
    _case("gqa", (Q, GQA_KV, GQA_KV), "normal", _plain(), _plain_ref()),
    _case("value_dim", (Q, KV, (2, 5, 4, 2)), "normal", _plain(), _plain_ref()),
    _case(
        "mask",
        (Q, KV, KV, MASK),
        ("normal", "normal", "normal", "bool"),
        lambda q, k, v, m: ops.dot_product_attention(q, k, v, mask=m),
        lambda q, k, v, m: attention_reference(q, k, v, mask=m),
    ),
    _case(
        "mask_causal",
        (Q, KV, KV, MASK),
        ("normal", "normal", "normal", "bool"),
        lambda q, k, v, m: ops.dot_product_attention(q, k, v, mask=m, is_causal=True),
        lambda q, k, v, m: attention_reference(q, k, v, mask=m, is_causal=True),
    ),
    _case(
        "bias",
        (Q, KV, KV, BIAS),
        "normal",
        lambda q, k, v, b: ops.dot_product_attention(q, k, v, bias=b),
        lambda q, k, v, b: attention_reference(q, k, v, bias=b),
    ),
    _case(
        "bias_mask_causal_gqa",
        (Q, GQA_KV, GQA_KV, BIAS, MASK),
        ("normal", "normal", "normal", "normal", "bool"),
        lambda q, k, v, b, m: ops.dot_product_attention(q, k, v, bias=b, mask=m, is_causal=True),
        lambda q, k, v, b, m: attention_reference(q, k, v, bias=b, mask=m, is_causal=True),
    ),
]


@pytest.mark.parametrize("case", CASES, ids=case_ids(CASES))
def test_dot_product_attention_matches_numpy(case, rng):
    check_eager(case, rng)


@pytest.mark.parametrize("case", CASES[:1] + CASES[-1:], ids=case_ids(CASES[:1] + CASES[-1:]))
def test_dot_product_attention_symbolic(case, rng):
    check_symbolic(case, rng)


@pytest.mark.parametrize(
    "options",
    [{}, {"is_causal": True}, {"mask": True}, {"bias": True}, {"bias": True, "mask": True}],
    ids=["plain", "causal", "mask", "bias", "bias_mask"],
)
@pytest.mark.parametrize("kv_heads", [4, 2], ids=["mha", "gqa"])
def test_fused_kernel_agrees_with_explicit_path(options, kv_heads, rng):
    """The engine's kernel (where it has one) and the composite written once in ops."""
    q = rng.standard_normal(Q).astype("float32")
    k, v = (rng.standard_normal((2, 5, kv_heads, 3)).astype("float32") for _ in range(2))
    bias = rng.standard_normal((1, 1, *BIAS)).astype("float32") if options.get("bias") else None
    mask = rng.random(MASK) < 0.6 if options.get("mask") else None
    if mask is not None:
        mask[:, :, 0, :] = False  # a fully masked row too
    is_causal = options.get("is_causal", False)
    fused = ops.dot_product_attention(q, k, v, bias=bias, mask=mask, is_causal=is_causal)
    tensors = [ops.convert_to_tensor(x) if x is not None else None for x in (q, k, v, bias, mask)]
    explicit = _explicit_dot_product_attention(*tensors, 1 / np.sqrt(3), is_causal)
    assert_close(fused, explicit, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("flash_attention", [None, False])
def test_flash_attention_argument_keeps_the_values(flash_attention, rng):
    q, k, v = (rng.standard_normal(Q).astype("float32") for _ in range(3))
    got = ops.dot_product_attention(q, k, v, is_causal=True, flash_attention=flash_attention)
    assert_close(got, attention_reference(q, k, v, is_causal=True), rtol=1e-5, atol=1e-5)


@pytest.mark.training
@pytest.mark.parametrize("is_causal", [False, True])
def test_dot_product_attention_gradients(is_causal, rng):
    q, k, v = (rng.standard_normal(s) for s in ((1, 3, 2, 2), (1, 4, 2, 2), (1, 4, 2, 2)))
    bias = rng.standard_normal((3, 4))

    def fn(q, k, v, b):
        return ops.dot_product_attention(q, k, v, bias=b, is_causal=is_causal)

    def reference(q, k, v, b):
        return attention_reference(q, k, v, bias=b, is_causal=is_causal)

    arrays = [a.astype("float32") for a in (q, k, v, bias)]
    got = engine_gradients(fn, arrays)
    for g, w in zip(got, numeric_gradients(reference, [q, k, v, bias])):
        assert_close(g, w, rtol=1e-3, atol=1e-4)


def test_dot_product_attention_rejects_bad_arguments(rng):
    q = rng.standard_normal(Q).astype("float32")
    with pytest.raises(ValueError, match="query must be 4D"):
        ops.dot_product_attention(q[0], q, q)
    kv = rng.standard_normal((2, 5, 3, 3)).astype("float32")
    with pytest.raises(ValueError, match="multiple of the number of key/value heads"):
        ops.dot_product_attention(q, kv, kv)
    with pytest.raises(ValueError, match="attn_logits_soft_cap"):
        ops.dot_product_attention(q, q, q, attn_logits_soft_cap=20.0)
    with pytest.raises(ValueError, match="mask must broadcast"):
        ops.dot_product_attention(q, q, q, mask=np.ones((1, 2, 4, 4, 4), bool))


@pytest.mark.engine("numpy")
def test_flash_attention_needs_a_fused_kernel(rng):
    q = rng.standard_normal(Q).astype("float32")
    with pytest.raises(ValueError, match="flash_attention=True needs a fused attention kernel"):
        ops.dot_product_attention(q, q, q, flash_attention=True)


def test_exported_at_ops_and_ops_nn():
    assert ops.dot_product_attention is ops.nn.dot_product_attention
    assert backend.backend() in ("torch", "jax", "tensorflow", "numpy")
