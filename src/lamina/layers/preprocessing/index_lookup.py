"""IndexLookup: the vocabulary table shared by StringLookup, IntegerLookup and
TextVectorization.

The table lives on the host as a Python dict (token -> index): strings cannot live on any
engine, and a lookup is a hash-table probe, not tensor maths. Indices follow Keras 3: the
mask token (``output_mode="int"`` only) at 0, then ``num_oov_indices`` OOV slots, then the
vocabulary. ``adapt`` orders tokens by count, ties broken by the token itself, highest
first (Keras's ``np.lexsort((tokens, counts))[::-1]``). The vocabulary is saved as Keras
does: in the config when it was passed as a list, else as ``vocabulary.txt`` in the
``.keras`` archive's assets; tf_idf weights go to the weights file as ``idf_weights``.
"""

from __future__ import annotations

import collections
import os

import numpy as np

from lamina import backend, ops
from lamina.backend.common.keras_tensor import KerasTensor
from lamina.layers.layer import Layer
from lamina.layers.preprocessing import adapt_data, encode_categorical
from lamina.layers.preprocessing.string_hashing import fingerprint64, siphash
from lamina.serialization import objects

_OUTPUT_MODES = ("int", "one_hot", "multi_hot", "count", "tf_idf")
_VOCABULARY_FILE = "vocabulary.txt"
_DROPPED = -1  # a masked token outside "int" mode: encodes as all zeros


def _as_list(value):
    """A config-ready copy of a vocabulary or weights argument (arrays become lists)."""
    if isinstance(value, np.ndarray):
        return value.tolist()
    if backend.is_tensor(value):
        return backend.convert_to_numpy(value).tolist()
    return list(value) if isinstance(value, tuple) else value


class IndexLookup(Layer):
    """Maps tokens to indices (or back, with ``invert=True``) through a vocabulary.

    Not used directly: ``StringLookup`` and ``IntegerLookup`` fix ``vocabulary_dtype`` and
    the token conversion (``_tokens_from``). Runs on the host (NumPy), so a model holding
    it trains with its step uncompiled (``supports_jit = False``), as in Keras.
    """

    def __init__(
        self,
        max_tokens,
        num_oov_indices,
        mask_token,
        oov_token,
        vocabulary_dtype,
        vocabulary=None,
        idf_weights=None,
        invert=False,
        output_mode="int",
        sparse=False,
        pad_to_max_tokens=False,
        oov_method="floormod",
        name=None,
        salt=None,
        **kwargs,
    ):
        name_ = type(self).__name__
        if max_tokens is not None and max_tokens <= 1:
            raise ValueError(
                f"{name_}: if set, `max_tokens` must be greater than 1. "
                f"Received: max_tokens={max_tokens}"
            )
        if pad_to_max_tokens and max_tokens is None:
            raise ValueError(
                f"{name_}: pad_to_max_tokens=True needs `max_tokens`. Received: max_tokens=None"
            )
        if not isinstance(num_oov_indices, int) or num_oov_indices < 0:
            raise ValueError(
                f"{name_}: `num_oov_indices` must be an integer >= 0. "
                f"Received: num_oov_indices={num_oov_indices!r}"
            )
        output_mode = {"binary": "multi_hot", "tf-idf": "tf_idf"}.get(output_mode, output_mode)
        encode_categorical.check_output_mode(name_, output_mode, _OUTPUT_MODES)
        if oov_method not in ("floormod", "farmhash"):
            raise ValueError(
                f"{name_}: `oov_method` must be 'floormod' or 'farmhash'. "
                f"Received: oov_method={oov_method!r}"
            )
        salt = self._checked_salt(salt, oov_method, vocabulary_dtype)
        if invert and output_mode != "int":
            raise ValueError(
                f"{name_}: `output_mode` must be 'int' when `invert` is true. "
                f"Received: output_mode={output_mode!r}"
            )
        encode_categorical.check_not_sparse(name_, sparse)
        if idf_weights is not None and output_mode != "tf_idf":
            raise ValueError(
                f"{name_}: `idf_weights` should only be set if `output_mode` is 'tf_idf'. "
                f"Received: output_mode={output_mode!r}"
            )
        frozen_size = kwargs.pop("vocabulary_size", None)
        has_input_vocabulary = kwargs.pop("has_input_vocabulary", vocabulary is not None)
        kwargs.pop("dtype", None)  # Keras keeps none: the table's dtype is vocabulary_dtype
        super().__init__(name=name, **kwargs)
        self.autocast = False  # tokens stay as given (host NumPy text or integers)
        self.supports_jit = False
        self.invert = invert
        self.max_tokens = max_tokens
        self.num_oov_indices = num_oov_indices
        self.mask_token = mask_token
        self.oov_token = oov_token
        self.output_mode = output_mode
        self.sparse = sparse
        self.pad_to_max_tokens = pad_to_max_tokens
        self.vocabulary_dtype = vocabulary_dtype
        self.oov_method = oov_method
        self.salt = salt
        self._frozen_vocab_size = frozen_size
        # As Keras: a vocabulary given as a list goes to the config; one read from a file
        # (or adapted) is saved as an asset instead.
        self.input_vocabulary = None if isinstance(vocabulary, str) else vocabulary
        self.input_idf_weights = idf_weights
        self._has_input_vocabulary = has_input_vocabulary
        self._tokens: list = []
        self._table: dict = {}
        self._idf_weights = None  # (vocabulary_size,) float on the host, tf_idf only
        if output_mode == "tf_idf" and has_input_vocabulary and idf_weights is None:
            raise ValueError(
                f"{name_}: with a `vocabulary` in 'tf_idf' output mode, `idf_weights` "
                "must also be given."
            )
        self.reset_state()
        if vocabulary is not None:
            self.set_vocabulary(vocabulary, idf_weights)

    # ---- token conversion (StringLookup / IntegerLookup) ---------------------------------

    def _tokens_from(self, data) -> np.ndarray:
        raise NotImplementedError

    def _tokens_to_output(self, tokens: np.ndarray):
        raise NotImplementedError

    def _token_from_line(self, line: str):
        raise NotImplementedError

    @classmethod
    def _checked_salt(cls, salt, oov_method: str, vocabulary_dtype: str):
        if salt is None:
            return None
        if vocabulary_dtype != "string" and oov_method != "farmhash":
            raise ValueError(
                f"{cls.__name__}: `salt` can only be used when `oov_method='farmhash'`. "
                f"Received: oov_method={oov_method!r}"
            )
        if isinstance(salt, (tuple, list)) and len(salt) == 2:
            return list(salt)
        if isinstance(salt, int) and not isinstance(salt, bool):
            return [salt, salt]
        raise ValueError(
            f"{cls.__name__}: `salt` must be a tuple of 2 integers or a single integer. "
            f"Received: salt={salt!r}"
        )

    def _oov_buckets(self, tokens: np.ndarray) -> np.ndarray:
        """The OOV slot (0 .. num_oov_indices - 1) of each out-of-vocabulary token: as
        Keras, ``token % n`` for integers ("floormod"), else FarmHash64 of the text
        (SipHash64 under a ``salt``), TensorFlow's ``to_hash_bucket_fast/strong``."""
        buckets = self.num_oov_indices
        if self.vocabulary_dtype != "string" and self.oov_method != "farmhash":
            return np.mod(tokens.astype(np.int64), buckets)
        text = tokens if self.vocabulary_dtype == "string" else tokens.astype(np.int64).astype(str)
        hashes = fingerprint64(text) if self.salt is None else siphash(text, self.salt)
        return (hashes % np.uint64(buckets)).astype(np.int64)

    # ---- vocabulary ----------------------------------------------------------------------

    def _oov_start_index(self) -> int:
        return 1 if self.mask_token is not None and self.output_mode == "int" else 0

    def _token_start_index(self) -> int:
        return self._oov_start_index() + self.num_oov_indices

    def vocabulary_size(self) -> int:
        """The vocabulary's size, mask and OOV indices included."""
        return len(self._tokens) + self._token_start_index()

    def get_vocabulary(self, include_special_tokens=True) -> list:
        """The vocabulary; with ``include_special_tokens`` a token's list index is the
        index the layer maps it to."""
        if not include_special_tokens:
            return list(self._tokens)
        special = [self.oov_token] * self.num_oov_indices
        if self._oov_start_index():
            special = [self.mask_token, *special]
        return special + list(self._tokens)

    def set_vocabulary(self, vocabulary, idf_weights=None) -> None:
        """Replaces the vocabulary (a list, a 1-D array, or the path of a text file with one
        token per line) and, in tf_idf mode, the ``idf_weights``."""
        name_ = type(self).__name__
        if self.output_mode == "tf_idf" and idf_weights is None:
            raise ValueError(f"{name_}: `idf_weights` must be set if output_mode is 'tf_idf'.")
        if self.output_mode != "tf_idf" and idf_weights is not None:
            raise ValueError(
                f"{name_}: `idf_weights` should only be set if output_mode is 'tf_idf'. "
                f"Received: output_mode={self.output_mode!r}"
            )
        if isinstance(vocabulary, str):
            vocabulary = self._read_vocabulary_file(vocabulary)
        array = adapt_data.as_numpy(vocabulary)
        values = self._tokens_from(array).reshape(-1).tolist() if array.size else []
        if not values:
            raise ValueError(f"{name_}: cannot set an empty vocabulary. Received: vocabulary=[]")
        tokens, found_special = self._strip_special_tokens(values)
        self._check_tokens(tokens)
        size = self._token_start_index() + len(tokens)
        if self.max_tokens is not None and size > self.max_tokens:
            raise ValueError(
                f"{name_}: attempted to set a vocabulary larger than the maximum vocab size. "
                f"Received vocabulary size is {size}; `max_tokens` is {self.max_tokens}."
            )
        weights = None
        if self.output_mode == "tf_idf":
            weights = self._padded_idf_weights(idf_weights, len(values), found_special)
        self._set_tokens(tokens)
        self._idf_weights = weights
        self._record_vocabulary_size()

    def _read_vocabulary_file(self, path: str) -> list:
        if objects.is_loading_config():
            # Keras refuses this in safe mode; a config never needs it (a file vocabulary is
            # saved as an asset), so rebuilding from a config never reads outside files.
            raise ValueError(
                f"{type(self).__name__}: refusing to read the vocabulary file {path!r} named "
                "by a config: it lies outside the model archive. Build the layer, then call "
                "set_vocabulary() with the file if you trust it."
            )
        if not os.path.isfile(path):
            raise ValueError(f"Vocabulary file {path} does not exist.")
        if self.output_mode == "tf_idf":
            raise ValueError("output_mode 'tf_idf' does not support loading a vocabulary file.")
        with open(path, encoding="utf-8") as file:
            lines = file.read().splitlines()
        while lines and lines[-1] == "":
            lines.pop()
        return [self._token_from_line(line) for line in lines]

    def _strip_special_tokens(self, values: list) -> tuple[list, bool]:
        start = self._token_start_index()
        special = [self.mask_token] * self._oov_start_index() + [self.oov_token] * (
            self.num_oov_indices
        )
        if special and values[:start] == special:
            return values[start:], True
        return values, False

    def _check_tokens(self, tokens: list) -> None:
        name_ = type(self).__name__
        counts = collections.Counter(tokens)
        repeated = [token for token, count in counts.items() if count > 1]
        if repeated:
            raise ValueError(
                f"{name_}: the vocabulary has at least one repeated term. Please uniquify "
                f"your dataset. The repeated terms are: {repeated}"
            )
        for argument, token in (("mask_token", self.mask_token), ("oov_token", self.oov_token)):
            checked = argument == "mask_token" or self.invert  # as Keras: OOV only inverted
            if token is None or token not in counts or not checked:
                continue
            raise ValueError(
                f"{name_}: found reserved {argument} {token!r} at an unexpected location in "
                "`vocabulary`. Either remove the mask and OOV tokens, or include them only at "
                "the start of the vocabulary."
            )

    def _padded_idf_weights(self, idf_weights, vocabulary_length: int, found_special: bool):
        weights = np.asarray(_as_list(idf_weights), dtype=np.float64)
        if weights.ndim != 1:
            raise ValueError(
                f"{type(self).__name__}: `idf_weights` must be 1-D. Received shape {weights.shape}."
            )
        if len(weights) != vocabulary_length:
            raise ValueError(
                f"{type(self).__name__}: `idf_weights` must be the same length as the "
                f"vocabulary. len(idf_weights) is {len(weights)}; len(vocabulary) is "
                f"{vocabulary_length}"
            )
        # As Keras: special tokens without weights get the mean weight; pad_to_max_tokens
        # pads the back with zeros.
        front = 0 if found_special else self._token_start_index()
        back = 0
        if self.pad_to_max_tokens:
            back = self.max_tokens - front - len(weights)
        mean = float(np.mean(weights)) if len(weights) else 0.0
        return np.pad(weights, (front, back), constant_values=(mean, 0.0))

    def _set_tokens(self, tokens: list) -> None:
        start = self._token_start_index()
        self._tokens = list(tokens)
        self._table = {token: start + i for i, token in enumerate(self._tokens)}

    def _record_vocabulary_size(self) -> None:
        if self.output_mode == "int" or self.pad_to_max_tokens:
            self._frozen_vocab_size = self.vocabulary_size()
            return
        size = self.vocabulary_size()
        if self._frozen_vocab_size is not None and self.built and size != self._frozen_vocab_size:
            raise RuntimeError(
                f"When using `output_mode={self.output_mode}` and `pad_to_max_tokens=False`, "
                "the vocabulary size cannot be changed after the layer is called. Old vocab "
                f"size is {self._frozen_vocab_size}, new vocab size is {size}"
            )
        self._frozen_vocab_size = size

    # ---- adapt ---------------------------------------------------------------------------

    def adapt(self, data, steps=None) -> None:
        """Builds the vocabulary from ``data`` (an array, a list, a tensor, a PyDataset or
        any iterable of batches); with ``max_tokens`` only the most frequent are kept."""
        self.reset_state()
        for batch in adapt_data.iterate_batches(data, steps=steps, layer_name="adapt"):
            tokens = self._tokens_from(batch)
            if tokens.ndim == 1 and not self._adapting_from_iterable(data):
                tokens = tokens[:, None]  # as Keras: an array's 1-D rows are documents
            self.update_state(tokens)
        self.finalize_state()

    @staticmethod
    def _adapting_from_iterable(data) -> bool:
        return not (isinstance(data, (list, tuple, np.ndarray)) or backend.is_tensor(data))

    def update_state(self, data) -> None:
        if self._has_input_vocabulary:
            raise ValueError(
                f"Cannot adapt layer '{self.name}' after setting a static vocabulary via the "
                "`vocabulary` argument or `set_vocabulary()`."
            )
        self._update_documents(self._documents(self._tokens_from(data)))

    def _update_documents(self, documents: list) -> None:
        """Counts the tokens of ``documents`` (lists of host tokens)."""
        for document in documents:
            self._token_counts.update(document)
            if self.output_mode == "tf_idf":
                self._document_counts.update(set(document))
        self._num_documents += len(documents)

    @staticmethod
    def _documents(tokens: np.ndarray) -> list:
        """Rows of tokens: a 0-D or 1-D array is one document, else each leading index."""
        if tokens.ndim <= 1:
            return [tokens.reshape(-1).tolist()]
        return [row.reshape(-1).tolist() for row in tokens]

    def finalize_state(self) -> None:
        if self._has_input_vocabulary or not self._token_counts:
            self._record_vocabulary_size()
            return
        counts = self._token_counts
        for special in (self.mask_token, self.oov_token):
            counts.pop(special, None)
        # Descending count, ties by descending token: Keras's lexsort(...)[::-1].
        ordered = sorted(counts.items(), key=lambda item: (item[1], item[0]))
        tokens = [token for token, _ in reversed(ordered)]
        if self.max_tokens:
            tokens = tokens[: self.max_tokens - self._token_start_index()]
        self._set_tokens(tokens)
        if self.output_mode == "tf_idf":
            document_counts = np.array([self._document_counts[t] for t in tokens], np.float64)
            weights = np.log(1 + self._num_documents / (1 + document_counts))
            self._idf_weights = self._padded_idf_weights(weights, len(weights), False)
        self.reset_state()
        self._record_vocabulary_size()

    def reset_state(self) -> None:
        self._token_counts: collections.Counter = collections.Counter()
        self._document_counts: collections.Counter = collections.Counter()
        self._num_documents = 0

    # ---- call ----------------------------------------------------------------------------

    def build(self, input_shape=None) -> None:
        self.built = True

    def get_build_config(self):
        return {}

    def build_from_config(self, config) -> None:
        self.build(None)

    def _depth(self) -> int:
        if self.pad_to_max_tokens:
            return self.max_tokens
        if self._frozen_vocab_size is None:
            raise RuntimeError(
                f"When using `output_mode={self.output_mode}` and `pad_to_max_tokens=False`, "
                "you must set the layer's vocabulary before calling it. Either pass a "
                "`vocabulary` argument to the layer, or call `adapt` with some sample data."
            )
        return self._frozen_vocab_size

    def lookup(self, tokens: np.ndarray) -> np.ndarray:
        """Indices (int64, same shape) of host ``tokens``; masked tokens give 0 in "int"
        mode and -1 (encoded as nothing) otherwise."""
        flat = tokens.reshape(-1)
        uniques, inverse = np.unique(flat, return_inverse=True)
        default = self._oov_start_index() if self.num_oov_indices == 1 else -1
        mapped = np.array([self._table.get(token, default) for token in uniques.tolist()], np.int64)
        if self.mask_token is not None:
            masked = uniques == self.mask_token
            mapped[masked] = 0 if self.output_mode == "int" else _DROPPED
        else:
            masked = np.zeros(len(uniques), bool)
        missing = (mapped == -1) & ~masked
        if self.num_oov_indices == 0 and missing.any():
            raise ValueError(
                f"{type(self).__name__} {self.name!r}: when `num_oov_indices=0` all inputs "
                f"should be in the vocabulary; found OOV values {uniques[missing].tolist()[:10]}."
                " Consider setting `num_oov_indices=1`."
            )
        if self.num_oov_indices > 1 and missing.any():
            mapped[missing] = self._oov_buckets(uniques[missing]) + self._oov_start_index()
        return mapped[inverse].reshape(tokens.shape)

    def _invert(self, indices: np.ndarray) -> np.ndarray:
        vocabulary = self.get_vocabulary()
        flat = indices.reshape(-1)
        in_range = (flat >= self._token_start_index()) & (flat < len(vocabulary))
        values = np.array([self.oov_token] * len(flat), dtype=object)
        values[in_range] = np.array(vocabulary, dtype=object)[flat[in_range]]
        if self.mask_token is not None:
            values[flat == 0] = self.mask_token
        return values.reshape(indices.shape)

    def call(self, inputs):
        if self.invert:
            indices = np.asarray(backend.convert_to_numpy(inputs)).astype(np.int64)
            return self._tokens_to_output(self._invert(indices))
        indices = self.lookup(self._tokens_from(inputs))
        if self.output_mode == "int":
            return backend.convert_to_tensor(indices, dtype="int64")
        return self.encode(indices)

    def encode(self, indices: np.ndarray):
        """Host indices as the "one_hot" / "multi_hot" / "count" / "tf_idf" output."""
        depth = self._depth()
        mode = "count" if self.output_mode == "tf_idf" else self.output_mode
        encoded = encode_categorical.encode_categorical_inputs(
            backend.convert_to_tensor(indices, dtype="int32"), mode, depth, backend.floatx()
        )
        if self.output_mode == "tf_idf":
            weights = self._idf_weights if self._idf_weights is not None else np.zeros(depth)
            encoded = ops.multiply(encoded, ops.convert_to_tensor(weights, backend.floatx()))
        return encoded

    def compute_output_shape(self, input_shape):
        if self.output_mode == "int":
            return tuple(input_shape)
        depth = self.max_tokens if self.pad_to_max_tokens else self._frozen_vocab_size
        return encode_categorical.encoded_shape(input_shape, self.output_mode, depth)

    def compute_output_spec(self, inputs, *args, **kwargs):
        dtype = "int64" if self.output_mode == "int" else backend.floatx()
        if self.invert:
            dtype = self.vocabulary_dtype
        return KerasTensor(self.compute_output_shape(inputs.shape), dtype=dtype)

    # ---- config and saving ---------------------------------------------------------------

    def get_config(self) -> dict:
        return {
            **super().get_config(),
            "invert": self.invert,
            "max_tokens": self.max_tokens,
            "num_oov_indices": self.num_oov_indices,
            "oov_token": self.oov_token,
            "mask_token": self.mask_token,
            "output_mode": self.output_mode,
            "sparse": self.sparse,
            "pad_to_max_tokens": self.pad_to_max_tokens,
            "vocabulary_dtype": self.vocabulary_dtype,
            "idf_weights": _as_list(self.input_idf_weights),
            "vocabulary": _as_list(self.input_vocabulary),
            "vocabulary_size": self._frozen_vocab_size,
            "oov_method": self.oov_method,
            "salt": self.salt,
        }

    def save_own_variables(self, store) -> None:
        if self.output_mode == "tf_idf" and self._idf_weights is not None:
            store["idf_weights"] = self._idf_weights.astype(backend.floatx())

    def load_own_variables(self, store) -> None:
        if self.output_mode == "tf_idf" and "idf_weights" in store:
            self._idf_weights = np.asarray(store["idf_weights"], np.float64)

    def save_assets(self, dir_path: str) -> None:
        if self.input_vocabulary is not None:
            return  # in the config already (as Keras)
        with open(os.path.join(dir_path, _VOCABULARY_FILE), "w", encoding="utf-8") as file:
            file.write("\n".join(str(token) for token in self.get_vocabulary()))

    def load_assets(self, dir_path: str) -> None:
        if self.input_vocabulary is not None:
            return
        path = os.path.join(dir_path, _VOCABULARY_FILE)
        if not os.path.isfile(path):
            return  # saved before it had a vocabulary
        with open(path, encoding="utf-8") as file:
            lines = file.read().splitlines()
        while lines and lines[-1] == "":
            lines.pop()
        if not lines:
            return
        weights = self._idf_weights
        if weights is not None:
            weights = weights[: len(lines)]  # the file holds no pad_to_max_tokens zeros
        self._frozen_vocab_size = None
        self.set_vocabulary([self._token_from_line(line) for line in lines], weights)


__all__ = ["IndexLookup"]
