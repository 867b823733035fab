"""Fused attention on torch: ``torch.nn.functional.scaled_dot_product_attention``.

Keras lays attention tensors out as (batch, time, heads, head_dim); torch's kernel wants
(batch, heads, time, head_dim). The transposes are views: no copy is made either way.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch.nn.attention import SDPBackend, sdpa_kernel

from lamina.backend.torch import core

# flash_attention=False keeps torch off its flash kernel and lets it choose among the rest.
_NOT_FLASH = [
    SDPBackend.EFFICIENT_ATTENTION,
    SDPBackend.CUDNN_ATTENTION,
    SDPBackend.MATH,
]


def _large_negative(dtype) -> float:
    # Finite, so a fully masked row comes out uniform (as Keras and jax.nn do), not NaN.
    return torch.finfo(dtype).min * 0.7


def _additive_mask(query, key, bias, mask, is_causal):
    """The float ``attn_mask`` for torch, with the causal triangle folded in when torch's
    own ``is_causal`` cannot be used (it refuses an explicit mask beside it)."""
    if is_causal:
        causal = torch.ones(
            (query.shape[1], key.shape[1]), dtype=torch.bool, device=query.device
        ).tril_()
        mask = causal if mask is None else torch.logical_and(mask, causal)
    if mask is None:
        return bias
    kept = torch.zeros((), dtype=query.dtype, device=query.device) if bias is None else bias
    return torch.where(mask, kept, _large_negative(query.dtype))


def dot_product_attention(
    query, key, value, bias=None, mask=None, scale=None, is_causal=False, flash_attention=None
):
    """(B, T, N, H) attention output; key and value are (B, S, K, H) with K dividing N."""
    use_native_causal = is_causal and bias is None and mask is None
    attn_mask = None
    if not use_native_causal and (bias is not None or mask is not None or is_causal):
        attn_mask = _additive_mask(query, key, bias, mask, is_causal)
    arguments = {
        "attn_mask": attn_mask,
        "is_causal": use_native_causal,
        "scale": scale,
        "enable_gqa": key.shape[2] != query.shape[2],
    }
    q, k, v = (torch.transpose(x, 1, 2) for x in (query, key, value))  # (B, N, T, H) views
    if (
        flash_attention is None
        and core.dtensor_type is not None
        and any(isinstance(x, core.dtensor_type) for x in (q, k, v))
    ):
        # Split by ModelParallel (DTensors): the math kernel, whose ops DTensor can split
        # (it has no backward rule for the fused CPU kernel).
        with sdpa_kernel([SDPBackend.MATH]):
            return torch.transpose(F.scaled_dot_product_attention(q, k, v, **arguments), 1, 2)
    if flash_attention is None:
        outputs = F.scaled_dot_product_attention(q, k, v, **arguments)
    else:
        backends = [SDPBackend.FLASH_ATTENTION] if flash_attention else _NOT_FLASH
        try:
            with sdpa_kernel(backends):
                outputs = F.scaled_dot_product_attention(q, k, v, **arguments)
        except RuntimeError as error:
            if not flash_attention:
                raise
            raise ValueError(
                "dot_product_attention: flash_attention=True, but torch's flash kernel "
                f"cannot run these inputs (query {tuple(query.shape)} {query.dtype}, "
                f"device {query.device}): {error}"
            ) from None
    return torch.transpose(outputs, 1, 2)  # (B, T, N, H)
