"""IntegerLookup: integer tokens (ids, categories) to contiguous indices, or back."""

from __future__ import annotations

import numpy as np

from lamina import backend
from lamina.layers.preprocessing.index_lookup import IndexLookup


class IntegerLookup(IndexLookup):
    """Maps integer tokens to indices from a fixed vocabulary, or one learned with
    ``adapt``; ``invert=True`` maps indices back to tokens.

    Index 0 is ``mask_token`` (when set, ``output_mode="int"`` only), then
    ``num_oov_indices`` slots for unknown tokens (an unknown token ``t`` goes to slot
    ``t % num_oov_indices``, Keras's ``oov_method="floormod"``; ``"farmhash"`` hashes its
    decimal text, with SipHash64 under ``salt``), then the vocabulary.
    Inputs may be tensors or NumPy arrays; the table runs on the host, so a model holding
    this layer runs its train step uncompiled (``supports_jit = False``), as in Keras.

    >>> IntegerLookup(vocabulary=[12, 36, 1138])(np.array([[12, 1138], [42, 36]]))
    tensor([[1, 3], [0, 2]])

    ``sparse=True`` is refused (no engine here has sparse tensors).
    """

    def __init__(
        self,
        max_tokens=None,
        num_oov_indices=1,
        mask_token=None,
        oov_token=-1,
        vocabulary=None,
        vocabulary_dtype="int64",
        idf_weights=None,
        invert=False,
        output_mode="int",
        sparse=False,
        pad_to_max_tokens=False,
        oov_method="floormod",
        salt=None,
        name=None,
        **kwargs,
    ):
        if vocabulary_dtype != "int64":
            raise ValueError(
                "IntegerLookup: only `vocabulary_dtype='int64'` is supported. "
                f"Received: vocabulary_dtype={vocabulary_dtype!r}"
            )
        super().__init__(
            max_tokens=max_tokens,
            num_oov_indices=num_oov_indices,
            mask_token=mask_token,
            oov_token=oov_token,
            vocabulary=vocabulary,
            vocabulary_dtype=vocabulary_dtype,
            idf_weights=idf_weights,
            invert=invert,
            output_mode=output_mode,
            sparse=sparse,
            pad_to_max_tokens=pad_to_max_tokens,
            oov_method=oov_method,
            salt=salt,
            name=name,
            **kwargs,
        )

    def _tokens_from(self, data) -> np.ndarray:
        array = np.asarray(backend.convert_to_numpy(data) if backend.is_tensor(data) else data)
        if array.dtype.kind not in "iub":
            if array.dtype.kind == "f" and np.all(np.mod(array, 1) == 0):
                return array.astype(np.int64)  # Keras casts whole floats to int64
            raise TypeError(
                f"IntegerLookup {self.name!r} expects integer tokens; received an array of "
                f"dtype {array.dtype}."
            )
        return array.astype(np.int64)

    def _tokens_to_output(self, tokens: np.ndarray):
        return backend.convert_to_tensor(tokens.astype(np.int64), dtype="int64")

    def _token_from_line(self, line: str):
        return int(line)


__all__ = ["IntegerLookup"]
