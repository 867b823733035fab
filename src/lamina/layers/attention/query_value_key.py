"""What MultiHeadAttention and GroupQueryAttention share: their projection arguments, building
from three input shapes, the Keras masks of query, value and key, the causal and
sliding-window masks, and the call that picks the fused kernel or the explicit path."""

from __future__ import annotations

from lamina import backend, constraints, initializers, ops, regularizers
from lamina.backend import get_keras_mask
from lamina.backend.config import is_flash_attention_enabled
from lamina.layers.arguments import require_positive_int
from lamina.layers.layer import Layer
from lamina.serialization import serialize_keras_object

_SHAPE_NAMES = ("query_shape", "value_shape", "key_shape")


def _shape(x):
    return None if x is None else tuple(x.shape)


def fresh_initializer(initializer):
    """A copy of ``initializer``, so that sublayers do not share one seeded instance."""
    if hasattr(initializer, "get_config") and hasattr(type(initializer), "from_config"):
        return type(initializer).from_config(initializer.get_config())
    return initializers.get(initializer)


def causal_mask(query, value):
    """(1, T, S) boolean: query position t attends to key positions s <= t."""
    q_len, kv_len = ops.shape(query)[1], ops.shape(value)[1]
    rows = ops.reshape(ops.arange(q_len, dtype="int32"), (1, q_len, 1))
    columns = ops.reshape(ops.arange(kv_len, dtype="int32"), (1, 1, kv_len))
    return ops.greater_equal(rows, columns)


def sliding_window_mask(query, value, window: int):
    """(1, T, S) boolean: |t - s| < window (a symmetric band, Keras's ``sliding_window``)."""
    q_len, kv_len = ops.shape(query)[1], ops.shape(value)[1]
    rows = ops.reshape(ops.arange(q_len, dtype="int32"), (1, q_len, 1))
    columns = ops.reshape(ops.arange(kv_len, dtype="int32"), (1, 1, kv_len))
    return ops.less(ops.abs(ops.subtract(rows, columns)), window)


class QueryValueKeyAttention(Layer):
    """A layer called as ``layer(query, value, key=None, ...)`` and built from the three
    shapes, as Keras's ``build(query_shape, value_shape, key_shape=None)``.

    Subclasses call ``_store_arguments`` from ``__init__``, build ``_query_dense``,
    ``_key_dense``, ``_value_dense``, ``_output_dense`` (and ``_gate_dense`` with
    ``use_gate``), and give ``_fused_attention`` and ``_explicit_attention``.
    """

    sliding_window: int | None = None

    def _store_arguments(
        self,
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
    ) -> None:
        if (
            isinstance(dropout, bool)
            or not isinstance(dropout, (int, float))
            or not (0.0 <= dropout <= 1.0)
        ):
            raise ValueError(f"dropout must be a float in [0, 1]; received dropout={dropout!r}.")
        self._dropout = float(dropout)
        self._use_bias = bool(use_bias)
        self._use_gate = bool(use_gate)
        if sliding_window is not None:
            require_positive_int("sliding_window", sliding_window)
        self.sliding_window = sliding_window
        self._flash_attention = flash_attention or is_flash_attention_enabled()
        if self._flash_attention and self._dropout > 0.0:
            raise ValueError(
                f"{type(self).__name__}: dropout is not supported with flash_attention=True; "
                f"received dropout={dropout}."
            )
        self._kernel_initializer = initializers.get(kernel_initializer)
        self._bias_initializer = initializers.get(bias_initializer)
        self._kernel_regularizer = regularizers.get(kernel_regularizer)
        self._bias_regularizer = regularizers.get(bias_regularizer)
        self._activity_regularizer = regularizers.get(activity_regularizer)
        self._kernel_constraint = constraints.get(kernel_constraint)
        self._bias_constraint = constraints.get(bias_constraint)
        self.seed = seed

    dropout = property(lambda self: self._dropout)
    use_bias = property(lambda self: self._use_bias)
    use_gate = property(lambda self: self._use_gate)

    def _sublayer_arguments(self) -> dict:
        """The EinsumDense arguments every projection shares (its own initializer copies)."""
        return {
            "kernel_initializer": fresh_initializer(self._kernel_initializer),
            "bias_initializer": fresh_initializer(self._bias_initializer),
            "kernel_regularizer": self._kernel_regularizer,
            "bias_regularizer": self._bias_regularizer,
            "activity_regularizer": self._activity_regularizer,
            "kernel_constraint": self._kernel_constraint,
            "bias_constraint": self._bias_constraint,
            "dtype": self.dtype_policy,
        }

    def _arguments_config(self) -> dict:
        return {
            "dropout": self._dropout,
            "use_bias": self._use_bias,
            "use_gate": self._use_gate,
            "sliding_window": self.sliding_window,
            "kernel_initializer": serialize_keras_object(self._kernel_initializer),
            "bias_initializer": serialize_keras_object(self._bias_initializer),
            "kernel_regularizer": serialize_keras_object(self._kernel_regularizer),
            "bias_regularizer": serialize_keras_object(self._bias_regularizer),
            "activity_regularizer": serialize_keras_object(self._activity_regularizer),
            "kernel_constraint": serialize_keras_object(self._kernel_constraint),
            "bias_constraint": serialize_keras_object(self._bias_constraint),
            "seed": self.seed,
        }

    # ---- call ----------------------------------------------------------------------------

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
        fused = self._uses_fused_kernel(query, return_attention_scores, training)
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
        gate = self._gate_dense(query) if self._use_gate else None
        query = self._query_dense(query)  # (B, T, heads, size)
        key = self._key_dense(key)  # (B, S, heads or key/value heads, size)
        value = self._value_dense(value)
        if fused:
            outputs = self._fused_attention(query, key, value, attention_mask, causal_only)
            scores = None
        else:
            outputs, scores = self._explicit_attention(query, key, value, attention_mask, training)
        if gate is not None:
            outputs = ops.multiply(outputs, gate)
        outputs = self._output_dense(outputs)
        if return_attention_scores:
            return outputs, scores
        return outputs

    def _uses_fused_kernel(self, query, return_attention_scores, training) -> bool:
        """Whether the engine's fused kernel can run: no scores requested, no dropout in
        training (subclasses add their own conditions)."""
        if return_attention_scores and self._flash_attention:
            raise ValueError(
                f"Layer {self.name!r}: return_attention_scores=True is not supported with "
                "flash attention; build the layer with flash_attention=None or False."
            )
        dropout_active = self._dropout > 0.0 and bool(training)
        return not return_attention_scores and not dropout_active

    def _maybe_build(self, args, kwargs) -> None:
        if self.built:
            return
        names = ("query", "value", "key")
        tensors = dict(zip(names, args))
        tensors.update({name: kwargs[name] for name in names if name in kwargs})
        if tensors.get("query") is None or tensors.get("value") is None:
            raise ValueError(
                f"Layer {self.name!r} must be called with query and value tensors; received "
                f"{sorted(name for name, x in tensors.items() if x is not None)}."
            )
        shapes = [_shape(tensors.get(name)) for name in names]
        with backend.name_scope(self.name):
            self.build(*shapes)
        self.built = True

    def _record_build_shapes(self, query_shape, value_shape, key_shape) -> None:
        shapes = (query_shape, value_shape, key_shape)
        self._build_shapes = {
            name: list(shape) for name, shape in zip(_SHAPE_NAMES, shapes) if shape is not None
        }

    def get_build_config(self):
        if self._build_shapes is None:
            return None
        return {"shapes_dict": self._build_shapes}

    def build_from_config(self, config) -> None:
        if not config or self.built:
            return
        if "shapes_dict" in config:
            shapes = config["shapes_dict"]
            with backend.name_scope(self.name):
                self.build(**{name: tuple(shape) for name, shape in shapes.items()})
            self.built = True

    @staticmethod
    def _input_masks(query, value, key, query_mask, value_mask, key_mask):
        """Explicit masks, else the Keras masks the tensors carry (as Keras's Layer fills
        ``<argument>_mask`` from ``<argument>``)."""
        if query_mask is None:
            query_mask = get_keras_mask(query)
        if value_mask is None:
            value_mask = get_keras_mask(value)
        if key_mask is None and key is not None:
            key_mask = get_keras_mask(key)
        return query_mask, value_mask, key_mask

    def _attention_mask(
        self, query, value, query_mask, value_mask, key_mask, attention_mask, use_causal_mask
    ):
        """All masks ANDed into one boolean (B, T, S) mask (or None): query (B, T, 1),
        value and key (B, 1, S), causal and sliding window (1, T, S), attention_mask."""
        parts = []
        if query_mask is not None:
            parts.append(ops.expand_dims(ops.cast(query_mask, "bool"), -1))
        for mask in (value_mask, key_mask):
            if mask is not None:
                parts.append(ops.expand_dims(ops.cast(mask, "bool"), -2))
        if use_causal_mask:
            parts.append(causal_mask(query, value))
        if self.sliding_window is not None:
            parts.append(sliding_window_mask(query, value, self.sliding_window))
        if attention_mask is not None:
            parts.append(ops.cast(attention_mask, "bool"))
        if not parts:
            return None
        combined = parts[0]
        for part in parts[1:]:
            combined = ops.logical_and(combined, part)
        return combined

    def compute_output_spec(self, *args, **kwargs):
        kwargs = {k: v for k, v in kwargs.items() if k != "training"}
        return backend.compute_output_spec(self.call, *args, **kwargs)
