"""Attention layers: Attention, AdditiveAttention, MultiHeadAttention, GroupQueryAttention."""

from lamina.layers.attention.additive_attention import AdditiveAttention as AdditiveAttention
from lamina.layers.attention.attention import Attention as Attention
from lamina.layers.attention.group_query_attention import (
    GroupQueryAttention as GroupQueryAttention,
)
from lamina.layers.attention.multi_head_attention import MultiHeadAttention as MultiHeadAttention

__all__ = ["AdditiveAttention", "Attention", "GroupQueryAttention", "MultiHeadAttention"]
