"""What MultiHeadAttention and GroupQueryAttention share: building from three input shapes,
the Keras masks of query, value and key, and the causal and sliding-window masks."""

from __future__ import annotations

from lamina import backend, initializers, ops
from lamina.backend import get_keras_mask
from lamina.layers.layer import Layer

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
    shapes, as Keras's ``build(query_shape, value_shape, key_shape=None)``."""

    sliding_window: int | None = None

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
