"""GroupQueryAttention: attention whose key/value heads are shared by groups of query heads
(Ainslie et al., 2023, "GQA"); one key/value head is multi-query attention."""

from __future__ import annotations

import math

from lamina import ops
from lamina.layers.activations.softmax import Softmax
from lamina.layers.arguments import require_positive_int
from lamina.layers.attention.query_value_key import QueryValueKeyAttention
from lamina.layers.core.einsum_dense import EinsumDense
from lamina.layers.regularization.dropout import Dropout


class GroupQueryAttention(QueryValueKeyAttention):
    """Grouped-query attention over (B, T, dim) query and (B, S, dim) value/key.

    ``num_query_heads`` query heads of size ``head_dim`` share ``num_key_value_heads``
    key/value heads (which must divide them). Call arguments as MultiHeadAttention's.
    Weights, in Keras's order: query (dim, num_query_heads, head_dim), key and value
    (dim, num_key_value_heads, head_dim), attention_output (num_query_heads, head_dim, dim),
    each with its bias when ``use_bias``.
    """

    def __init__(
        self,
        head_dim,
        num_query_heads,
        num_key_value_heads,
        dropout=0.0,
        use_bias=True,
        sliding_window=None,
        flash_attention=None,
        kernel_initializer="glorot_uniform",
        bias_initializer="zeros",
        kernel_regularizer=None,
        bias_regularizer=None,
        activity_regularizer=None,
        kernel_constraint=None,
        bias_constraint=None,
        use_gate=False,
        seed=None,
        **kwargs,
    ):
        super().__init__(**kwargs)  # the projections apply activity_regularizer, as in Keras
        self.supports_masking = True
        self.head_dim = require_positive_int("head_dim", head_dim)
        self.num_query_heads = require_positive_int("num_query_heads", num_query_heads)
        self.num_key_value_heads = require_positive_int("num_key_value_heads", num_key_value_heads)
        if num_query_heads % num_key_value_heads:
            raise ValueError(
                "num_query_heads must be a multiple of num_key_value_heads; received "
                f"num_query_heads={num_query_heads}, num_key_value_heads={num_key_value_heads}."
            )
        self.num_repeats = num_query_heads // num_key_value_heads
        self._store_arguments(
            dropout,
            use_bias,
            use_gate,
            sliding_window,
            flash_attention,
            kernel_initializer,
            bias_initializer,
            kernel_regularizer,
            bias_regularizer,
            activity_regularizer,
            kernel_constraint,
            bias_constraint,
            seed,
        )
        self._inverse_sqrt_head_dim = 1.0 / math.sqrt(float(self.head_dim))

    # Keras's GroupQueryAttention keeps these public.
    kernel_initializer = property(lambda self: self._kernel_initializer)
    bias_initializer = property(lambda self: self._bias_initializer)
    kernel_regularizer = property(lambda self: self._kernel_regularizer)
    bias_regularizer = property(lambda self: self._bias_regularizer)
    kernel_constraint = property(lambda self: self._kernel_constraint)
    bias_constraint = property(lambda self: self._bias_constraint)

    def _dense(self, equation, output_shape, bias_axes, name, activation=None):
        return EinsumDense(
            equation,
            output_shape=output_shape,
            bias_axes=bias_axes if self._use_bias else None,
            activation=activation,
            name=name,
            **self._sublayer_arguments(),
        )

    def build(self, query_shape, value_shape, key_shape=None):
        # Letters: b batch, q query time, k key time, m model dim, u query heads,
        # v key/value heads, h head size (Keras's equations, so kernels have its shapes).
        query_shape, value_shape = tuple(query_shape), tuple(value_shape)
        key_shape = value_shape if key_shape is None else tuple(key_shape)
        self.feature_dim = query_shape[-1]
        query_heads = (None, self.num_query_heads, self.head_dim)
        kv_heads = (None, self.num_key_value_heads, self.head_dim)
        self._query_dense = self._dense("bqm,muh->bquh", query_heads, "uh", "query")
        self._query_dense.build(query_shape)
        self._key_dense = self._dense("bkm,mvh->bkvh", kv_heads, "vh", "key")
        self._key_dense.build(key_shape)
        if self._use_gate:
            self._gate_dense = self._dense("bqm,muh->bquh", query_heads, "uh", "gate", "sigmoid")
            self._gate_dense.build(query_shape)
        self._value_dense = self._dense("bkm,mvh->bkvh", kv_heads, "vh", "value")
        self._value_dense.build(value_shape)
        self._softmax = Softmax(axis=-1, dtype=self.dtype_policy)  # the layer's own policy
        self._dropout_layer = Dropout(rate=self._dropout, seed=self.seed, dtype=self.dtype_policy)
        self._output_dense = self._dense(
            "bquh,uhm->bqm", (None, self.feature_dim), "m", "attention_output"
        )
        self._output_dense.build((None, None, self.num_query_heads, self.head_dim))
        self._record_build_shapes(query_shape, value_shape, key_shape)

    def _fused_attention(self, query, key, value, attention_mask, is_causal):
        if attention_mask is not None:
            attention_mask = ops.expand_dims(attention_mask, -3)  # (B, 1, T, S)
        # The op shares each key/value head among its query heads: no repeat needed.
        return ops.dot_product_attention(
            query,
            key,
            value,
            mask=attention_mask,
            scale=self._inverse_sqrt_head_dim,
            is_causal=is_causal,
            flash_attention=self._flash_attention,
        )

    def _explicit_attention(self, query, key, value, attention_mask, training):
        key = ops.repeat(key, self.num_repeats, axis=2)  # (B, S, num_query_heads, head_dim)
        value = ops.repeat(value, self.num_repeats, axis=2)
        query = ops.multiply(query, ops.cast(self._inverse_sqrt_head_dim, query.dtype))
        scores = ops.einsum("bquh,bkuh->buqk", query, key)  # (B, heads, T, S)
        if attention_mask is not None:
            attention_mask = ops.expand_dims(attention_mask, -3)
        scores = self._softmax(scores, mask=attention_mask)
        dropped = self._dropout_layer(scores, training=training) if self._dropout else scores
        return ops.einsum("buqk,bkuh->bquh", dropped, value), scores

    def compute_output_shape(self, query_shape, value_shape, key_shape=None):
        key_shape = value_shape if key_shape is None else key_shape
        if query_shape[-1] != value_shape[-1]:
            raise ValueError(
                f"Layer {self.name!r}: query and value must have the same last dimension; "
                f"received query_shape={tuple(query_shape)}, value_shape={tuple(value_shape)}."
            )
        if tuple(value_shape[1:-1]) != tuple(key_shape[1:-1]):
            raise ValueError(
                f"Layer {self.name!r}: value and key must agree in every dimension but the "
                f"last; received value_shape={tuple(value_shape)}, "
                f"key_shape={tuple(key_shape)}."
            )
        return tuple(query_shape)

    def get_config(self) -> dict:
        return {
            **super().get_config(),
            "head_dim": self.head_dim,
            "num_query_heads": self.num_query_heads,
            "num_key_value_heads": self.num_key_value_heads,
            **self._arguments_config(),
        }
