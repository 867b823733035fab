"""GroupQueryAttention: attention whose key/value heads are shared by groups of query heads
(Ainslie et al., 2023, "GQA"); one key/value head is multi-query attention."""

from __future__ import annotations

import math

from lamina import constraints, initializers, ops, regularizers
from lamina.backend.config import is_flash_attention_enabled
from lamina.layers.activations.softmax import Softmax
from lamina.layers.arguments import require_positive_int
from lamina.layers.attention.query_value_key import QueryValueKeyAttention, fresh_initializer
from lamina.layers.core.einsum_dense import EinsumDense
from lamina.layers.regularization.dropout import Dropout
from lamina.serialization import serialize_keras_object


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
        if (
            isinstance(dropout, bool)
            or not isinstance(dropout, (int, float))
            or not (0.0 <= dropout <= 1.0)
        ):
            raise ValueError(f"dropout must be a float in [0, 1]; received dropout={dropout!r}.")
        self.dropout = float(dropout)
        self.use_bias = bool(use_bias)
        self.use_gate = bool(use_gate)
        if sliding_window is not None:
            require_positive_int("sliding_window", sliding_window)
        self.sliding_window = sliding_window
        self._flash_attention = flash_attention or is_flash_attention_enabled()
        if self._flash_attention and self.dropout > 0.0:
            raise ValueError(
                "GroupQueryAttention: dropout is not supported with flash_attention=True; "
                f"received dropout={dropout}."
            )
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
        self.kernel_regularizer = regularizers.get(kernel_regularizer)
        self.bias_regularizer = regularizers.get(bias_regularizer)
        self._activity_regularizer = regularizers.get(activity_regularizer)
        self.kernel_constraint = constraints.get(kernel_constraint)
        self.bias_constraint = constraints.get(bias_constraint)
        self.seed = seed
        self._inverse_sqrt_head_dim = 1.0 / math.sqrt(float(self.head_dim))

    def _dense(self, equation, output_shape, bias_axes, name, activation=None):
        return EinsumDense(
            equation,
            output_shape=output_shape,
            bias_axes=bias_axes if self.use_bias else None,
            activation=activation,
            name=name,
            kernel_initializer=fresh_initializer(self.kernel_initializer),
            bias_initializer=fresh_initializer(self.bias_initializer),
            kernel_regularizer=self.kernel_regularizer,
            bias_regularizer=self.bias_regularizer,
            activity_regularizer=self._activity_regularizer,
            kernel_constraint=self.kernel_constraint,
            bias_constraint=self.bias_constraint,
            dtype=self._dtype,
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
        if self.use_gate:
            self._gate_dense = self._dense("bqm,muh->bquh", query_heads, "uh", "gate", "sigmoid")
            self._gate_dense.build(query_shape)
        self._value_dense = self._dense("bkm,mvh->bkvh", kv_heads, "vh", "value")
        self._value_dense.build(value_shape)
        self._softmax = Softmax(axis=-1)
        self._dropout_layer = Dropout(rate=self.dropout, seed=self.seed)
        self._output_dense = self._dense(
            "bquh,uhm->bqm", (None, self.feature_dim), "m", "attention_output"
        )
        self._output_dense.build((None, None, self.num_query_heads, self.head_dim))
        self._record_build_shapes(query_shape, value_shape, key_shape)

    def call(
        self,
        query,
        value,
        key=None,
        query_mask=None,
        value_mask=None,
        key_mask=None,
        attention_mask=None,
        return_attention_scores=False,
        training=None,
        use_causal_mask=False,
    ):
        query_mask, value_mask, key_mask = self._input_masks(
            query, value, key, query_mask, value_mask, key_mask
        )
        if key is None:
            key = value
        if return_attention_scores and self._flash_attention:
            raise ValueError(
                f"Layer {self.name!r}: return_attention_scores=True is not supported with "
                "flash attention; build the layer with flash_attention=None or False."
            )
        fused = not return_attention_scores and not (self.dropout > 0.0 and bool(training))
        causal_only = (
            use_causal_mask
            and fused
            and self.sliding_window is None
            and all(m is None for m in (query_mask, value_mask, key_mask, attention_mask))
        )
        if not causal_only:
            attention_mask = self._attention_mask(
                query, value, query_mask, value_mask, key_mask, attention_mask, use_causal_mask
            )
        gate = self._gate_dense(query) if self.use_gate else None
        query = self._query_dense(query)  # (B, T, num_query_heads, head_dim)
        key = self._key_dense(key)  # (B, S, num_key_value_heads, head_dim)
        value = self._value_dense(value)
        if fused:
            if attention_mask is not None:
                attention_mask = ops.expand_dims(attention_mask, -3)  # (B, 1, T, S)
            # The op shares each key/value head among its query heads: no repeat needed.
            outputs = ops.dot_product_attention(
                query,
                key,
                value,
                mask=attention_mask,
                scale=self._inverse_sqrt_head_dim,
                is_causal=causal_only,
                flash_attention=self._flash_attention,
            )
            scores = None
        else:
            outputs, scores = self._explicit_attention(query, key, value, attention_mask, training)
        if gate is not None:
            outputs = ops.multiply(outputs, gate)
        outputs = self._output_dense(outputs)  # (B, T, dim)
        if return_attention_scores:
            return outputs, scores
        return outputs

    def _explicit_attention(self, query, key, value, attention_mask, training):
        key = ops.repeat(key, self.num_repeats, axis=2)  # (B, S, num_query_heads, head_dim)
        value = ops.repeat(value, self.num_repeats, axis=2)
        query = ops.multiply(query, ops.cast(self._inverse_sqrt_head_dim, query.dtype))
        scores = ops.einsum("bquh,bkuh->buqk", query, key)  # (B, heads, T, S)
        if attention_mask is not None:
            attention_mask = ops.expand_dims(attention_mask, -3)
        scores = self._softmax(scores, mask=attention_mask)
        dropped = self._dropout_layer(scores, training=training) if self.dropout else scores
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
            "use_bias": self.use_bias,
            "use_gate": self.use_gate,
            "sliding_window": self.sliding_window,
            "dropout": self.dropout,
            "kernel_initializer": serialize_keras_object(self.kernel_initializer),
            "bias_initializer": serialize_keras_object(self.bias_initializer),
            "kernel_regularizer": serialize_keras_object(self.kernel_regularizer),
            "bias_regularizer": serialize_keras_object(self.bias_regularizer),
            "activity_regularizer": serialize_keras_object(self._activity_regularizer),
            "kernel_constraint": serialize_keras_object(self.kernel_constraint),
            "bias_constraint": serialize_keras_object(self.bias_constraint),
            "seed": self.seed,
        }
