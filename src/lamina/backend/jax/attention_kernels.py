"""Fused attention on JAX: ``jax.nn.dot_product_attention`` (XLA, or cuDNN's flash kernel)."""

from __future__ import annotations

import jax


def dot_product_attention(
    query, key, value, bias=None, mask=None, scale=None, is_causal=False, flash_attention=None
):
    """(B, T, N, H) attention output; key and value are (B, S, K, H) with K dividing N.
    None when jax.nn cannot run the call (a value head size other than the key's): the op
    then takes its explicit path."""
    if value.shape[-1] != key.shape[-1]:
        return None
    implementation = None
    if flash_attention is not None:
        implementation = "cudnn" if flash_attention else "xla"
    try:
        return jax.nn.dot_product_attention(
            query,
            key,
            value,
            bias=bias,
            mask=mask,
            scale=scale,
            is_causal=is_causal,
            implementation=implementation,
        )
    except (RuntimeError, ValueError, NotImplementedError) as error:
        if not flash_attention:
            raise
        raise ValueError(
            "dot_product_attention: flash_attention=True, but the cuDNN flash kernel cannot "
            f"run these inputs (query {query.shape} {query.dtype}): {error}"
        ) from None
