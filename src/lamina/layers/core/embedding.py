"""Embedding: turns integer ids into dense vectors by looking up rows of a table."""

from __future__ import annotations

import warnings

from lamina import backend, constraints, initializers, ops, regularizers
from lamina.layers.arguments import require_positive_int
from lamina.layers.core.lora import LoraMixin
from lamina.layers.layer import Layer
from lamina.serialization import serialize_keras_object


class Embedding(LoraMixin, Layer):
    """Maps ids in ``[0, input_dim)`` to rows of an ``(input_dim, output_dim)`` table.

    Input shape ``(...)`` of integers; output shape ``(..., output_dim)``. With
    ``mask_zero=True`` id 0 is padding: ``compute_mask`` returns ``ids != 0`` (so the
    vocabulary needs ``input_dim = vocabulary_size + 1``). ``lora_rank`` / ``enable_lora``
    train a low-rank update of a frozen table, as in Keras.

    >>> Embedding(1000, 64)(np.array([[4, 20, 7]])).shape  # (1, 3, 64)
    """

    def __init__(
        self,
        input_dim,
        output_dim,
        embeddings_initializer="uniform",
        embeddings_regularizer=None,
        embeddings_constraint=None,
        mask_zero=False,
        weights=None,
        lora_rank=None,
        lora_alpha=None,
        **kwargs,
    ):
        if kwargs.pop("input_length", None) is not None:
            warnings.warn(  # as Keras 3: the argument is accepted and ignored
                "Argument `input_length` is deprecated. Just remove it.", stacklevel=2
            )
        super().__init__(**kwargs)
        self._init_lora(lora_rank, lora_alpha)
        self.input_dim = require_positive_int("input_dim", input_dim)
        self.output_dim = require_positive_int("output_dim", output_dim)
        self.embeddings_initializer = initializers.get(embeddings_initializer)
        self.embeddings_regularizer = regularizers.get(embeddings_regularizer)
        self.embeddings_constraint = constraints.get(embeddings_constraint)
        self.mask_zero = bool(mask_zero)
        self.supports_masking = self.mask_zero
        self.autocast = False  # ids must stay integers
        if weights is not None:
            self.build()
            if not (isinstance(weights, list) and len(weights) == 1):
                weights = [weights]
            self.set_weights(weights)

    def build(self, input_shape=None):
        if self.built:
            return
        self._embeddings = self.add_weight(
            name="embeddings",
            shape=(self.input_dim, self.output_dim),
            initializer=self.embeddings_initializer,
            regularizer=self.embeddings_regularizer,
            constraint=self.embeddings_constraint,
        )
        self.built = True
        self._enable_lora_after_build()

    _lora_base = "_embeddings"
    _lora_factor_names = ("lora_embeddings_a", "lora_embeddings_b")
    _lora_constraint_attribute = "embeddings_constraint"
    _lora_regularizer_attribute = "embeddings_regularizer"

    @property
    def embeddings(self):
        """The table variable; with LoRA on, the table plus the scaled low-rank update."""
        return self._lora_weight()

    def call(self, inputs):
        if backend.standardize_dtype(ops.dtype(inputs)) not in ("int32", "int64"):
            inputs = ops.cast(inputs, "int32")
        outputs = ops.take(self.embeddings, inputs, axis=0)
        return ops.cast(outputs, self.compute_dtype)

    def compute_mask(self, inputs, mask=None):
        if not self.mask_zero:
            return None
        return ops.not_equal(inputs, 0)

    def compute_output_shape(self, input_shape):
        return (*tuple(input_shape), self.output_dim)

    def get_config(self) -> dict:
        return {
            **super().get_config(),
            "input_dim": self.input_dim,
            "output_dim": self.output_dim,
            "embeddings_initializer": serialize_keras_object(self.embeddings_initializer),
            "embeddings_regularizer": serialize_keras_object(self.embeddings_regularizer),
            "embeddings_constraint": serialize_keras_object(self.embeddings_constraint),
            "mask_zero": self.mask_zero,
            **self._lora_config(),
        }
