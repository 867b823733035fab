"""AdditiveAttention: Bahdanau-style attention over [query, value(, key)]."""

from __future__ import annotations

from lamina import ops
from lamina.layers.attention.attention import Attention


class AdditiveAttention(Attention):
    """Additive attention: scores ``sum(scale * tanh(query + key))`` over the features.

    Called as Attention is. ``use_scale`` (default True) learns a per-feature ``scale`` of
    shape (dim,).
    """

    def __init__(self, use_scale=True, dropout=0.0, **kwargs):
        super().__init__(use_scale=use_scale, dropout=dropout, **kwargs)

    def build(self, input_shape):
        self._check_inputs(input_shape)
        dim = input_shape[0][-1]
        self.scale = None
        if self.use_scale:
            self.scale = self.add_weight(name="scale", shape=(dim,), initializer="glorot_uniform")

    def _calculate_scores(self, query, key):
        pairs = ops.add(ops.expand_dims(query, -2), ops.expand_dims(key, -3))  # (B, Tq, Tv, dim)
        terms = ops.tanh(pairs)
        if self.use_scale:
            terms = ops.multiply(self.scale, terms)
        return ops.sum(terms, axis=-1)

    def get_config(self) -> dict:
        config = super().get_config()
        del config["score_mode"]
        return config
