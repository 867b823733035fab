"""Attention: Luong-style dot-product attention over [query, value(, key)]."""

from __future__ import annotations

from lamina import backend, ops
from lamina.backend import KerasTensor
from lamina.layers.attention.query_value_key import causal_mask
from lamina.layers.layer import Layer

_SCORE_MODES = ("dot", "concat")


class Attention(Layer):
    """Dot-product attention: ``softmax(query · keyᵀ) · value``.

    Call on ``[query, value]`` or ``[query, value, key]`` (query (B, Tq, dim), value and
    key (B, Tv, dim)), with ``mask=[query_mask, value_mask]`` (or the inputs' Keras masks),
    ``return_attention_scores`` and ``use_causal_mask``. ``use_scale`` learns a scalar
    multiplying the scores; ``score_mode="concat"`` scores with ``sum(tanh(q + k))``.
    """

    def __init__(self, use_scale=False, score_mode="dot", dropout=0.0, seed=None, **kwargs):
        super().__init__(**kwargs)
        if score_mode not in _SCORE_MODES:
            raise ValueError(
                f"score_mode must be one of {_SCORE_MODES}; received score_mode={score_mode!r}."
            )
        if (
            isinstance(dropout, bool)
            or not isinstance(dropout, (int, float))
            or not (0.0 <= dropout <= 1.0)
        ):
            raise ValueError(f"dropout must be a float in [0, 1]; received dropout={dropout!r}.")
        self.use_scale = use_scale
        self.score_mode = score_mode
        self.dropout = dropout
        self.seed = seed
        if self.dropout > 0:
            self.seed_generator = backend.SeedGenerator(seed=seed)
        self.supports_masking = True

    def build(self, input_shape):
        self._check_inputs(input_shape)
        self.scale = None
        self.concat_score_weight = None
        if self.use_scale:
            self.scale = self.add_weight(name="scale", shape=(), initializer="ones")
        if self.score_mode == "concat":
            self.concat_score_weight = self.add_weight(
                name="concat_score_weight", shape=(), initializer="ones"
            )

    def _calculate_scores(self, query, key):
        """(B, Tq, Tv) scores."""
        if self.score_mode == "dot":
            scores = ops.matmul(query, ops.swapaxes(key, -2, -1))
            return scores if self.scale is None else ops.multiply(scores, self.scale)
        pairs = ops.add(ops.expand_dims(query, -2), ops.expand_dims(key, -3))  # (B, Tq, Tv, dim)
        if self.scale is not None:
            pairs = ops.multiply(self.scale, pairs)
        return ops.multiply(self.concat_score_weight, ops.sum(ops.tanh(pairs), axis=-1))

    def _apply_scores(self, scores, value, scores_mask=None, training=False):
        if scores_mask is not None:
            if len(scores_mask.shape) == 2:
                scores_mask = ops.expand_dims(scores_mask, -2)  # (B, 1, Tv)
            # Keras subtracts a large value (float16's max there) rather than -inf.
            large = 65504.0 if ops.dtype(scores) == "float16" else 1.0e9
            scores = ops.where(scores_mask, scores, ops.subtract(scores, large))
        weights = ops.softmax(scores, axis=-1)
        if training and self.dropout > 0:
            weights = ops.random.dropout(weights, self.dropout, seed=self.seed_generator)
        return ops.matmul(weights, value), weights

    def call(
        self,
        inputs,
        mask=None,
        training=False,
        return_attention_scores=False,
        use_causal_mask=False,
    ):
        self._check_inputs(inputs, mask)
        query, value = inputs[0], inputs[1]
        key = inputs[2] if len(inputs) > 2 else value
        query_mask = mask[0] if mask else None
        value_mask = mask[1] if mask else None
        scores = self._calculate_scores(query, key)
        scores_mask = None if value_mask is None else ops.cast(value_mask, "bool")
        if use_causal_mask:
            scores_mask = causal_mask(scores, value)  # (1, Tq, Tv)
            if value_mask is not None:
                scores_mask = ops.logical_and(
                    ops.expand_dims(ops.cast(value_mask, "bool"), -2), scores_mask
                )
        outputs, weights = self._apply_scores(scores, value, scores_mask, training=training)
        if query_mask is not None:
            query_mask = ops.expand_dims(ops.cast(query_mask, "bool"), -1)  # (B, Tq, 1)
            outputs = ops.where(query_mask, outputs, ops.zeros_like(outputs))
        if return_attention_scores:
            return outputs, weights
        return outputs

    def compute_mask(self, inputs, mask=None):
        self._check_inputs(inputs, mask)
        if mask is None or mask[0] is None:
            return None
        return ops.convert_to_tensor(mask[0])

    def compute_output_shape(self, input_shape):
        return (*tuple(input_shape[0])[:-1], tuple(input_shape[1])[-1])

    def compute_output_spec(
        self, inputs, mask=None, return_attention_scores=False, training=None, use_causal_mask=False
    ):
        self._check_inputs(inputs, mask)
        query, value = inputs[0], inputs[1]
        key = inputs[2] if len(inputs) > 2 else value
        outputs = KerasTensor(
            self.compute_output_shape([query.shape, value.shape]), dtype=self.compute_dtype
        )
        if not return_attention_scores:
            return outputs
        scores = KerasTensor((*query.shape[:-1], key.shape[-2]), dtype=self.compute_dtype)
        return outputs, scores

    def _check_inputs(self, inputs, mask=None) -> None:
        name = type(self).__name__
        if not isinstance(inputs, (list, tuple)) or not 2 <= len(inputs) <= 3:
            raise ValueError(
                f"{name} layer {self.name!r} must be called on a list [query, value] or "
                f"[query, value, key]; received inputs={inputs!r}."
            )
        if mask is not None and (not isinstance(mask, (list, tuple)) or not 2 <= len(mask) <= 3):
            raise ValueError(
                f"{name} layer {self.name!r}: mask must be a list [query_mask, value_mask]; "
                f"received mask={mask!r}."
            )

    def get_config(self) -> dict:
        return {
            **super().get_config(),
            "use_scale": self.use_scale,
            "score_mode": self.score_mode,
            "dropout": self.dropout,
            "seed": self.seed,
        }
