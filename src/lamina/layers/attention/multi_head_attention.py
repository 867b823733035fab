"""MultiHeadAttention: Keras's multi-head attention ("Attention Is All You Need", 2017)."""

from __future__ import annotations

import math
import string

from lamina import ops
from lamina.layers.activations.softmax import Softmax
from lamina.layers.arguments import require_positive_int
from lamina.layers.attention.query_value_key import QueryValueKeyAttention
from lamina.layers.core.einsum_dense import EinsumDense
from lamina.layers.regularization.dropout import Dropout

_LETTERS = string.ascii_lowercase


def projection_equation(free_dims: int, bound_dims: int, output_dims: int):
    """(equation, bias_axes, output rank) of a projection that keeps ``free_dims`` leading
    axes, contracts ``bound_dims`` and adds ``output_dims`` (Keras's letter layout, so kernels
    have Keras's shapes)."""
    free = _LETTERS[:free_dims]
    bound = _LETTERS[free_dims : free_dims + bound_dims]
    added = _LETTERS[free_dims + bound_dims : free_dims + bound_dims + output_dims]
    return f"{free}{bound},{bound}{added}->{free}{added}", added, free_dims + output_dims


def attention_equations(rank: int, attention_axes: tuple):
    """Einsum equations of the scores (key, query -> scores) and of the combination (scores,
    value -> output) for projected tensors (batch, <other dims>, <attention dims>, heads,
    head_dim) of ``rank``, and the scores' rank."""
    target = _LETTERS[:rank]
    batch_axes = [axis for axis in range(rank - 1) if axis not in attention_axes]
    source, next_letter = "", rank
    for axis in range(rank):
        if axis in batch_axes or axis == rank - 1:
            source += target[axis]
        else:
            source += _LETTERS[next_letter]
            next_letter += 1
    scores = (
        "".join(target[axis] for axis in batch_axes)
        + "".join(target[axis] for axis in attention_axes)
        + "".join(source[axis] for axis in attention_axes)
    )
    return f"{source},{target}->{scores}", f"{scores},{source}->{target}", len(scores)


class MultiHeadAttention(QueryValueKeyAttention):
    """Multi-head attention: project query, key and value into ``num_heads`` heads, attend,
    and project the heads back (to the query's last size, or ``output_shape``).

    Call as ``layer(query, value, key=None, attention_mask=None, return_attention_scores=False,
    training=None, use_causal_mask=False)``; query is (B, T, dim), value and key (B, S, dim),
    ``attention_mask`` (B, T, S) boolean (True attends). The Keras masks of query, value and
    key join the attention mask; the output carries the query's. Without scores, dropout
    (in training) or extra ``attention_axes``, the attention runs through
    ``ops.dot_product_attention`` (the engine's fused kernel).

    Weights, in Keras's order: query, key, (gate,) value and attention_output EinsumDense
    kernels and biases; the query kernel is (dim, num_heads, key_dim).
    """

    def __init__(
        self,
        num_heads,
        key_dim,
        value_dim=None,
        dropout=0.0,
        use_bias=True,
        output_shape=None,
        attention_axes=None,
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
        self._num_heads = require_positive_int("num_heads", num_heads)
        self._key_dim = require_positive_int("key_dim", key_dim)
        self._value_dim = (
            key_dim if value_dim is None else require_positive_int("value_dim", value_dim)
        )
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
        self._output_shape = self._standardize_output_shape(output_shape)
        if isinstance(attention_axes, int):
            attention_axes = (attention_axes,)
        elif attention_axes is not None and not isinstance(attention_axes, (list, tuple)):
            raise TypeError(
                "attention_axes must be an int, a list or a tuple of ints, or None; received "
                f"attention_axes={attention_axes!r}."
            )
        self._attention_axes = None if attention_axes is None else tuple(attention_axes)
        self._inverse_sqrt_key_dim = 1.0 / math.sqrt(float(self._key_dim))

    @staticmethod
    def _standardize_output_shape(output_shape):
        if not output_shape:
            return None
        if isinstance(output_shape, int):
            return (output_shape,)
        if isinstance(output_shape, (list, tuple)):
            return tuple(output_shape)
        raise TypeError(
            "output_shape must be an int, a list or a tuple of ints, or None; received "
            f"output_shape={output_shape!r}."
        )

    num_heads = property(lambda self: self._num_heads)
    key_dim = property(lambda self: self._key_dim)
    value_dim = property(lambda self: self._value_dim)
    attention_axes = property(lambda self: self._attention_axes)
    query_dense = property(lambda self: self._query_dense)
    key_dense = property(lambda self: self._key_dense)
    value_dense = property(lambda self: self._value_dense)
    output_dense = property(lambda self: self._output_dense)

    # ---- weights -------------------------------------------------------------------------

    def _projection(self, input_rank: int, heads_and_size, name: str, activation=None):
        equation, bias_axes, output_rank = projection_equation(input_rank - 1, 1, 2)
        return EinsumDense(
            equation,
            output_shape=[None] * (output_rank - 3) + list(heads_and_size),
            bias_axes=bias_axes if self._use_bias else None,
            activation=activation,
            name=name,
            **self._sublayer_arguments(),
        )

    def build(self, query_shape, value_shape, key_shape=None):
        query_shape, value_shape = tuple(query_shape), tuple(value_shape)
        key_shape = value_shape if key_shape is None else tuple(key_shape)
        if value_shape[1:-1] != key_shape[1:-1]:
            raise ValueError(
                f"Layer {self.name!r}: value and key must agree in every dimension but the "
                f"last; received value_shape={value_shape}, key_shape={key_shape}."
            )
        query_rank = len(query_shape)
        heads_key = (self._num_heads, self._key_dim)
        heads_value = (self._num_heads, self._value_dim)
        self._query_dense = self._projection(query_rank, heads_key, "query")
        self._query_dense.build(query_shape)
        self._key_dense = self._projection(len(key_shape), heads_key, "key")
        self._key_dense.build(key_shape)
        if self._use_gate:
            self._gate_dense = self._projection(query_rank, heads_value, "gate", "sigmoid")
            self._gate_dense.build(query_shape)
        self._value_dense = self._projection(len(value_shape), heads_value, "value")
        self._value_dense.build(value_shape)
        self._build_attention(query_rank + 1)
        output_shape = self._output_shape or (query_shape[-1],)
        equation, bias_axes, output_rank = projection_equation(query_rank - 1, 2, len(output_shape))
        self._output_dense = EinsumDense(
            equation,
            output_shape=[None] * (output_rank - 1 - len(output_shape)) + list(output_shape),
            bias_axes=bias_axes if self._use_bias else None,
            name="attention_output",
            **self._sublayer_arguments(),
        )
        heads_shape = list(self._query_dense.compute_output_shape(query_shape))
        heads_shape[-1] = self._value_dim
        self._output_dense.build(tuple(heads_shape))
        self._record_build_shapes(query_shape, value_shape, key_shape)

    def _build_attention(self, rank: int) -> None:
        """Einsum equations, softmax and dropout for projected tensors of ``rank``."""
        if self._attention_axes is None:
            self._attention_axes = tuple(range(1, rank - 2))
        else:
            self._attention_axes = tuple(
                axis if axis >= 0 else (rank - 1) + axis for axis in self._attention_axes
            )
        self._dot_product_equation, self._combine_equation, scores_rank = attention_equations(
            rank, self._attention_axes
        )
        num_axes = len(self._attention_axes)
        # As Keras: the sublayers take this layer's own dtype policy (a per-layer
        # mixed_bfloat16 reaches them too, not only a global one).
        self._softmax = Softmax(
            axis=tuple(range(scores_rank - num_axes, scores_rank)), dtype=self.dtype_policy
        )
        self._dropout_layer = Dropout(rate=self._dropout, seed=self.seed, dtype=self.dtype_policy)

    # ---- call ----------------------------------------------------------------------------

    def _uses_fused_kernel(self, query, return_attention_scores, training) -> bool:
        # The fused kernels take (B, T, heads, size): one attention axis.
        fits = len(query.shape) + 1 == 4
        return super()._uses_fused_kernel(query, return_attention_scores, training) and fits

    def _fused_attention(self, query, key, value, attention_mask, is_causal):
        if attention_mask is not None:
            while len(attention_mask.shape) < 4:
                attention_mask = ops.expand_dims(attention_mask, -3)  # heads axis: (B, 1, T, S)
        return ops.dot_product_attention(
            query,
            key,
            value,
            mask=attention_mask,
            scale=self._inverse_sqrt_key_dim,
            is_causal=is_causal,
            flash_attention=self._flash_attention,
        )

    def _explicit_attention(self, query, key, value, attention_mask, training):
        query = ops.multiply(query, ops.cast(self._inverse_sqrt_key_dim, query.dtype))
        scores = ops.einsum(self._dot_product_equation, key, query)  # (B, N, T, S)
        if attention_mask is not None:
            # Insert the heads axis (and any missing leading ones) before the attention axes.
            axis = -2 * len(self._attention_axes) - 1
            while len(attention_mask.shape) < len(scores.shape):
                attention_mask = ops.expand_dims(attention_mask, axis)
        scores = self._softmax(scores, mask=attention_mask)
        dropped = self._dropout_layer(scores, training=training) if self._dropout else scores
        return ops.einsum(self._combine_equation, dropped, value), scores

    def compute_output_shape(self, query_shape, value_shape, key_shape=None):
        query_shape, value_shape = tuple(query_shape), tuple(value_shape)
        key_shape = value_shape if key_shape is None else tuple(key_shape)
        if value_shape[1:-1] != key_shape[1:-1]:
            raise ValueError(
                f"Layer {self.name!r}: value and key must agree in every dimension but the "
                f"last; received value_shape={value_shape}, key_shape={key_shape}."
            )
        if self._output_shape:
            return query_shape[:-1] + self._output_shape
        return query_shape

    def get_config(self) -> dict:
        return {
            **super().get_config(),
            "num_heads": self._num_heads,
            "key_dim": self._key_dim,
            "value_dim": self._value_dim,
            "output_shape": None if self._output_shape is None else list(self._output_shape),
            "attention_axes": (
                None if self._attention_axes is None else list(self._attention_axes)
            ),
            **self._arguments_config(),
        }
