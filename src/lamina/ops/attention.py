"""Scaled dot-product attention (``keras.ops.nn.dot_product_attention``).

Written once here: the checks, dtype promotion and the explicit softmax path. An engine with
a fused kernel (``attention_kernels``: torch's ``scaled_dot_product_attention``,
``jax.nn.dot_product_attention``) runs it instead; tests/ops/test_attention.py checks that
the two agree. Layout, as in Keras: query (B, T, N, H), key and value (B, S, K, H), where K
divides N (K < N is grouped-query attention); bias and mask broadcast to (B, N, T, S).
"""

from __future__ import annotations

import math

from lamina.backend import engine, is_float_dtype, result_type, standardize_dtype
from lamina.backend.config import floatx
from lamina.ops.dispatch import op
from lamina.ops.dtype_checks import float_arguments as _float_arguments

_core = engine.core
_numpy = engine.numpy
_KERNELS = getattr(engine, "attention_kernels", None)


def _large_negative(dtype: str) -> float:
    # Finite, so a fully masked row is uniform rather than NaN (Keras's and jax.nn's rule).
    return -0.7 * (65500.0 if dtype == "float16" else 3.38953e38)


def _to_4d(x, name: str):
    ndim = len(_core.shape(x))
    if ndim > 4:
        raise ValueError(
            f"dot_product_attention: {name} must broadcast to (B, N, T, S) (at most 4 "
            f"dimensions); received {name}.shape={tuple(_core.shape(x))}."
        )
    return _numpy.reshape(x, (1,) * (4 - ndim) + tuple(_core.shape(x))) if ndim < 4 else x


def _differ(a, b) -> bool:
    # Only dimensions known in Python are compared: in a traced graph (TensorFlow with a
    # dynamic batch) a dimension may be a scalar tensor, which the engine checks at run time.
    return isinstance(a, int) and isinstance(b, int) and a != b


def _check_shapes(query, key, value) -> None:
    shapes = {"query": _core.shape(query), "key": _core.shape(key), "value": _core.shape(value)}
    for name, shape in shapes.items():
        if len(shape) != 4:
            raise ValueError(
                f"dot_product_attention: {name} must be 4D (batch, time, heads, head_dim); "
                f"received {name}.shape={tuple(shape)}."
            )
    q_shape, k_shape, v_shape = shapes.values()
    if any(_differ(k, v) for k, v in zip(k_shape[:3], v_shape[:3])) or _differ(
        q_shape[-1], k_shape[-1]
    ):
        raise ValueError(
            "dot_product_attention: key and value must share (batch, time, heads) and key "
            "the query's head_dim; received "
            f"query.shape={tuple(q_shape)}, key.shape={tuple(k_shape)}, "
            f"value.shape={tuple(v_shape)}."
        )
    if isinstance(q_shape[2], int) and isinstance(k_shape[2], int) and q_shape[2] % k_shape[2]:
        raise ValueError(
            "dot_product_attention: the number of query heads must be a multiple of the "
            f"number of key/value heads; received {q_shape[2]} and {k_shape[2]}."
        )


def _explicit_dot_product_attention(query, key, value, bias, mask, scale, is_causal):
    """softmax(q·k * scale + bias, masked) · v, with the logits and softmax in float32 or
    wider, as Keras's reference path does."""
    batch, q_len, num_heads, head_dim = _core.shape(query)
    kv_len, num_kv_heads = _core.shape(key)[1], _core.shape(key)[2]
    groups = num_heads // num_kv_heads
    logits_dtype = result_type(standardize_dtype(query.dtype), "float32")
    grouped = _numpy.reshape(query, (batch, q_len, num_kv_heads, groups, head_dim))
    logits = _numpy.einsum("btkgh,bskh->bkgts", grouped, key)  # (B, K, G, T, S)
    logits = _numpy.reshape(logits, (batch, num_heads, q_len, kv_len))  # (B, N, T, S)
    logits = _numpy.multiply(_core.cast(logits, logits_dtype), scale)
    if bias is not None:
        logits = _numpy.add(logits, _core.cast(bias, logits_dtype))
    if is_causal:
        causal = _numpy.tril(_numpy.ones((q_len, kv_len), dtype="bool"))
        mask = causal if mask is None else _numpy.logical_and(mask, causal)
    if mask is not None:
        logits = _numpy.where(mask, logits, _large_negative(logits_dtype))
    probabilities = _core.cast(engine.nn.softmax(logits, axis=-1), value.dtype)
    probabilities = _numpy.reshape(probabilities, (batch, num_kv_heads, groups, q_len, kv_len))
    outputs = _numpy.einsum("bkgts,bskh->btkgh", probabilities, value)
    return _numpy.reshape(outputs, (batch, q_len, num_heads, _core.shape(value)[-1]))


def _dot_product_attention(
    query,
    key,
    value,
    bias=None,
    mask=None,
    scale=None,
    is_causal=False,
    flash_attention=None,
    attn_logits_soft_cap=None,
):
    if attn_logits_soft_cap is not None:
        raise ValueError(
            "dot_product_attention: attn_logits_soft_cap is only supported by Keras's JAX TPU "
            f"kernel, which Lamina does not have; received {attn_logits_soft_cap!r}. "
            "Leave it None."
        )
    query, key, value = (_core.convert_to_tensor(x) for x in (query, key, value))
    _check_shapes(query, key, value)
    dtype = result_type(*(standardize_dtype(x.dtype) for x in (query, key, value)))
    if not is_float_dtype(dtype):
        dtype = floatx()
    query, key, value = (_core.cast(x, dtype) for x in (query, key, value))
    if bias is not None:
        bias = _to_4d(_core.convert_to_tensor(bias, dtype=dtype), "bias")
    if mask is not None:
        mask = _to_4d(_core.cast(_core.convert_to_tensor(mask), "bool"), "mask")
    if scale is None:
        scale = 1.0 / math.sqrt(_core.shape(query)[-1])
    is_causal = bool(is_causal)
    if _KERNELS is not None:
        outputs = _KERNELS.dot_product_attention(
            query, key, value, bias, mask, float(scale), is_causal, flash_attention
        )
        if outputs is not None:
            return outputs
    if flash_attention:
        raise ValueError(
            "dot_product_attention: flash_attention=True needs a fused attention kernel, "
            f"which the {engine.__name__.rsplit('.', 1)[-1]} engine does not have for these "
            "inputs; pass flash_attention=None or False."
        )
    return _explicit_dot_product_attention(query, key, value, bias, mask, scale, is_causal)


dot_product_attention = op(
    _dot_product_attention,
    name="dot_product_attention",
    doc="""Scaled dot-product attention: softmax(query · key * scale + bias) · value.

    query is (B, T, N, H); key and value are (B, S, K, H), where K divides N (K < N is
    grouped-query attention). ``bias`` (added to the logits) and ``mask`` (boolean, True
    attends) broadcast to (B, N, T, S). ``scale`` defaults to 1 / sqrt(H); ``is_causal``
    lets query position t attend to key positions <= t. ``flash_attention``: None runs the
    engine's fused kernel where it has one, True requires its flash kernel, False avoids it.
    Returns (B, T, N, H).

    >>> q = k = v = lamina.random.normal((2, 4, 8, 16))
    >>> lamina.ops.dot_product_attention(q, k, v, is_causal=True).shape
    (2, 4, 8, 16)
    """,
)
# Float query, key and value only, as Keras (its torch engine has no integer attention).
dot_product_attention = _float_arguments(dot_product_attention, "query", "key", "value")
