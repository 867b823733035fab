"""CategoryEncoding: integer category indices to one-hot, multi-hot or count vectors."""

from __future__ import annotations

import numpy as np

from lamina import ops
from lamina.backend import KerasTensor
from lamina.layers.layer import Layer
from lamina.layers.preprocessing.encode_categorical import (
    check_index_range,
    check_not_sparse,
    check_output_mode,
    encode_categorical_inputs,
    encoded_shape,
)


class CategoryEncoding(Layer):
    """Encodes integer inputs in ``[0, num_tokens)`` as vectors of ``num_tokens`` values.

    ``output_mode``: ``"one_hot"`` (one vector per value; a trailing axis of size 1 is
    encoded in place), ``"multi_hot"`` (default: one vector per sample, 1 where a token
    occurs) or ``"count"`` (how often each token occurs, or the sum of ``count_weights``
    passed to the call). Negative values encode as zeros; on host data (NumPy arrays, lists)
    a value ``>= num_tokens`` raises ValueError.

    >>> CategoryEncoding(num_tokens=4, output_mode="multi_hot")([[0, 1], [3, 3]])
    [[1., 1., 0., 0.], [0., 0., 0., 1.]]
    """

    def __init__(self, num_tokens=None, output_mode="multi_hot", sparse=False, **kwargs):
        super().__init__(**kwargs)
        if output_mode == "binary":  # Keras 2's name for multi_hot
            output_mode = "multi_hot"
        check_output_mode("CategoryEncoding", output_mode, ("count", "one_hot", "multi_hot"))
        if num_tokens is None:
            raise ValueError(
                "num_tokens must be set to use this layer. If the number of tokens is not "
                "known beforehand, use the IntegerLookup layer instead."
            )
        if not isinstance(num_tokens, (int, np.integer)) or isinstance(num_tokens, bool):
            raise TypeError(f"`num_tokens` must be an integer; received num_tokens={num_tokens!r}.")
        if num_tokens < 1:
            raise ValueError(f"`num_tokens` must be >= 1. Received: num_tokens={num_tokens}.")
        check_not_sparse("CategoryEncoding", sparse)
        self.num_tokens = int(num_tokens)
        self.output_mode = output_mode
        self.sparse = sparse

    def __call__(self, inputs, *args, **kwargs):
        check_index_range("CategoryEncoding", inputs, self.num_tokens, "num_tokens")
        return super().__call__(inputs, *args, **kwargs)

    def call(self, inputs, count_weights=None):
        if count_weights is not None:
            if self.output_mode != "count":
                raise ValueError(
                    "`count_weights` is not used when `output_mode` is not 'count'. Received "
                    f"count_weights={count_weights}."
                )
            count_weights = ops.cast(count_weights, self.compute_dtype)
        indices = ops.convert_to_tensor(inputs)
        return encode_categorical_inputs(
            indices, self.output_mode, self.num_tokens, self.compute_dtype, count_weights
        )

    def compute_output_shape(self, input_shape):
        return encoded_shape(input_shape, self.output_mode, self.num_tokens)

    def compute_output_spec(self, inputs, count_weights=None, **kwargs):
        return KerasTensor(self.compute_output_shape(inputs.shape), dtype=self.compute_dtype)

    def get_config(self) -> dict:
        # Keras's config has no `sparse` key (always False here).
        return {
            **super().get_config(),
            "num_tokens": self.num_tokens,
            "output_mode": self.output_mode,
        }
