"""StringLookup: strings to integer indices (or back), through a vocabulary."""

from __future__ import annotations

import numpy as np

from lamina import backend
from lamina.layers.preprocessing.index_lookup import IndexLookup


class StringLookup(IndexLookup):
    """Maps strings to indices from a fixed vocabulary, or one learned with ``adapt``.

    Index 0 is ``mask_token`` (when set, ``output_mode="int"`` only), then
    ``num_oov_indices`` slots for unknown strings, then the vocabulary. ``output_mode`` is
    ``"int"``, ``"one_hot"``, ``"multi_hot"``, ``"count"`` or ``"tf_idf"``; with
    ``invert=True`` indices map back to strings (a NumPy object array).

    Strings need no TensorFlow: on every engine they are NumPy ``str``/``bytes``/object
    arrays, kept on the host until this layer turns them into an index tensor. ``fit``,
    ``evaluate`` and ``predict`` take such arrays directly (``model.fit(np.array(["a b",
    ...]), y)``); the data adapters and a Functional model's ``Input(dtype="string")`` pass
    them through unchanged (``lamina.backend.convert_data``). As in Keras a model holding this
    layer runs its train step uncompiled (``supports_jit = False``).

    >>> layer = StringLookup(vocabulary=["a", "b", "c"])
    >>> layer(np.array([["a", "c"], ["d", "b"]]))  # "d" is out of vocabulary: index 0
    tensor([[1, 3], [0, 2]])

    With ``num_oov_indices > 1`` an unknown string goes to the slot its FarmHash64 picks
    (SipHash64 under ``salt``), as Keras's. ``sparse=True`` is refused (no engine here has
    sparse tensors).
    """

    def __init__(
        self,
        max_tokens=None,
        num_oov_indices=1,
        mask_token=None,
        oov_token="[UNK]",
        vocabulary=None,
        idf_weights=None,
        invert=False,
        output_mode="int",
        pad_to_max_tokens=False,
        sparse=False,
        encoding="utf-8",
        name=None,
        salt=None,
        **kwargs,
    ):
        kwargs.pop("vocabulary_dtype", None)
        self.encoding = encoding
        super().__init__(
            max_tokens=max_tokens,
            num_oov_indices=num_oov_indices,
            mask_token=mask_token,
            oov_token=oov_token,
            vocabulary=vocabulary,
            idf_weights=idf_weights,
            invert=invert,
            output_mode=output_mode,
            pad_to_max_tokens=pad_to_max_tokens,
            sparse=sparse,
            name=name,
            salt=salt,
            vocabulary_dtype="string",
            **kwargs,
        )

    def _tokens_from(self, data) -> np.ndarray:
        """Host text as a NumPy ``str`` array (bytes decoded with ``encoding``)."""
        if backend.is_tensor(data) or isinstance(data, backend.KerasVariable):
            raise TypeError(
                f"StringLookup {self.name!r} expects strings (a NumPy str, bytes or object "
                f"array, or a list of str); received a numeric tensor of dtype "
                f"{backend.standardize_dtype(data.dtype)}."
            )
        array = np.asarray(data)
        if array.dtype.kind == "S":
            return np.char.decode(array, self.encoding)
        if array.dtype.kind == "O":
            decode = np.vectorize(
                lambda x: x.decode(self.encoding) if isinstance(x, bytes) else str(x), otypes=[str]
            )
            return decode(array) if array.size else array.astype(str)
        if array.dtype.kind != "U":
            raise TypeError(
                f"StringLookup {self.name!r} expects strings; received an array of dtype "
                f"{array.dtype}."
            )
        return array

    def _tokens_to_output(self, tokens: np.ndarray):
        return tokens  # text stays a host NumPy array

    def _token_from_line(self, line: str):
        return line

    def get_config(self) -> dict:
        config = super().get_config()
        del config["vocabulary_dtype"]
        return {**config, "encoding": self.encoding}


__all__ = ["StringLookup"]
