"""ReversibleEmbedding: an Embedding that can also project vectors back onto the vocabulary."""

from __future__ import annotations

from lamina import backend, ops
from lamina.backend import KerasTensor
from lamina.backend.common.masking import set_keras_mask
from lamina.layers.core.embedding import Embedding


class ReversibleEmbedding(Embedding):
    """``call(ids)`` looks up embeddings as Embedding does; ``call(x, reverse=True)`` maps
    ``(..., output_dim)`` vectors to ``(..., input_dim)`` logits (language-model heads).

    With ``tie_weights=True`` (default) the reverse projection is the transposed
    ``embeddings`` table (Press & Wolf, 2016); otherwise a separate trainable
    ``reverse_embeddings`` of shape ``(output_dim, input_dim)`` follows ``embeddings`` in
    the weights. ``reverse_dtype`` sets the dtype of the reverse matmul (default: the
    compute dtype); ``logit_soft_cap=c`` returns ``tanh(logits / c) * c``.

    >>> layer = ReversibleEmbedding(100, 16)
    >>> layer(layer(np.array([[1, 2]])), reverse=True).shape  # (1, 2, 100)
    """

    def __init__(
        self,
        input_dim,
        output_dim,
        tie_weights=True,
        embeddings_initializer="uniform",
        embeddings_regularizer=None,
        embeddings_constraint=None,
        mask_zero=False,
        reverse_dtype=None,
        logit_soft_cap=None,
        **kwargs,
    ):
        weights = kwargs.pop("weights", None)  # set once tie_weights is known (below)
        super().__init__(
            input_dim,
            output_dim,
            embeddings_initializer=embeddings_initializer,
            embeddings_regularizer=embeddings_regularizer,
            embeddings_constraint=embeddings_constraint,
            mask_zero=mask_zero,
            **kwargs,
        )
        if logit_soft_cap is not None and (
            isinstance(logit_soft_cap, bool)
            or not isinstance(logit_soft_cap, (int, float))
            or logit_soft_cap <= 0
        ):
            raise ValueError(
                "ReversibleEmbedding: the argument 'logit_soft_cap' must be None or a "
                f"positive number; received logit_soft_cap={logit_soft_cap!r}."
            )
        self.tie_weights = bool(tie_weights)
        self.reverse_dtype = (
            None if reverse_dtype is None else backend.standardize_dtype(reverse_dtype)
        )
        self.logit_soft_cap = logit_soft_cap
        if weights is not None:
            self.build()
            self.set_weights(weights if isinstance(weights, list) else [weights])

    def build(self, input_shape=None):
        if self.built:
            return
        super().build(input_shape)
        if not self.tie_weights:
            self.reverse_embeddings = self.add_weight(
                name="reverse_embeddings",
                shape=(self.output_dim, self.input_dim),
                initializer=self.embeddings_initializer,
            )
        self.built = True

    def call(self, inputs, reverse=False):
        if not reverse:
            outputs = super().call(inputs)
            if self.mask_zero:
                set_keras_mask(outputs, ops.not_equal(inputs, 0))
            return outputs
        if self.tie_weights:
            kernel = ops.transpose(self.embeddings)  # (output_dim, input_dim)
        else:
            kernel = self.reverse_embeddings
        dtype = self.reverse_dtype or self.compute_dtype
        inputs, kernel = ops.cast(inputs, dtype), ops.cast(kernel, dtype)
        logits = ops.matmul(inputs, kernel)
        if self.logit_soft_cap is not None:
            logits = ops.tanh(logits / self.logit_soft_cap) * self.logit_soft_cap
        return logits

    def compute_mask(self, inputs, mask=None):
        # Token ids (integers) give Embedding's mask; vectors projected back give none.
        if not self.mask_zero or backend.is_float_dtype(ops.dtype(inputs)):
            return None
        return ops.not_equal(inputs, 0)

    def compute_output_shape(self, input_shape, reverse=False):
        if reverse:
            return (*tuple(input_shape)[:-1], self.input_dim)
        return (*tuple(input_shape), self.output_dim)

    def compute_output_spec(self, inputs, reverse=False):
        shape = self.compute_output_shape(inputs.shape, reverse=reverse)
        dtype = (self.reverse_dtype or self.compute_dtype) if reverse else self.compute_dtype
        return KerasTensor(shape, dtype=dtype)

    def get_config(self) -> dict:
        return {
            **super().get_config(),
            "tie_weights": self.tie_weights,
            "reverse_dtype": self.reverse_dtype,
            "logit_soft_cap": self.logit_soft_cap,
        }
