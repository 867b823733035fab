"""TextVectorization: raw strings to token indices or bag-of-words vectors."""

from __future__ import annotations

import re
import string

import numpy as np

from lamina import backend
from lamina.layers.layer import Layer
from lamina.layers.preprocessing import adapt_data, encode_categorical
from lamina.layers.preprocessing.index_lookup import _as_list
from lamina.layers.preprocessing.string_lookup import StringLookup
from lamina.serialization import deserialize_keras_object, serialize_keras_object

_STANDARDIZE = ("lower_and_strip_punctuation", "lower", "strip_punctuation")
_SPLIT = ("whitespace", "character")
_OUTPUT_MODES = ("int", "one_hot", "multi_hot", "count", "tf_idf")
# Keras's pattern (a regex class; ",-." is the range of those three characters).
_PUNCTUATION = re.compile(r'[!"#$%&()\*\+,-\./:;<=>?@\[\\\]^_`{|}~\']')
# Keras lowers with tf.strings.lower and no encoding: ASCII letters only.
_ASCII_LOWER = str.maketrans(string.ascii_uppercase, string.ascii_lowercase)


def _check_choice(argument: str, value, allowed) -> None:
    if value is None or callable(value) or value in allowed:
        return
    raise ValueError(
        f"TextVectorization: invalid value for argument `{argument}`: expected None, a "
        f"callable or one of {allowed}. Received: {argument}={value!r}"
    )


def _serialize_callable(value):
    if not callable(value):
        return value
    serialized = serialize_keras_object(value)
    if isinstance(serialized, dict):
        return serialized
    # Unregistered: named as Keras names a function; loading needs it registered or passed
    # in custom_objects (no module is ever imported from a file).
    name = getattr(value, "__name__", type(value).__name__)
    return {"module": value.__module__, "class_name": "function", "config": name,
            "registered_name": name}  # fmt: skip


def _ngrams(tokens: list, widths) -> list:
    """tf.strings.ngrams with separator " ": every width in turn, shorter rows give none."""
    grams: list = []
    for width in widths:
        grams.extend(" ".join(tokens[i : i + width]) for i in range(len(tokens) - width + 1))
    return grams


class TextVectorization(Layer):
    """Turns strings into token indices (``output_mode="int"``) or per-sample vectors
    (``"multi_hot"``, ``"count"``, ``"tf_idf"``) over a vocabulary from a list, a file, or
    ``adapt``.

    Each string is standardized (``standardize``: ``"lower_and_strip_punctuation"``,
    ``"lower"``, ``"strip_punctuation"``, None, or a callable taking and returning a NumPy
    ``str`` array), split into tokens (``split``: ``"whitespace"``, ``"character"``, None,
    or a callable taking the ``(batch,)`` ``str`` array and returning one token list per
    string), optionally joined into ``ngrams``, then looked up; index 0 is padding and 1 the
    OOV token. ``"int"`` output is padded with 0 (or cut) to ``output_sequence_length``, or
    to the longest row of the batch when that is None.

    Strings need no TensorFlow: they are NumPy ``str``/``bytes``/object arrays of shape
    ``(batch,)`` or ``(batch, 1)``, kept on the host up to this layer. ``fit``, ``evaluate``
    and ``predict`` take them directly (``model.fit(np.array(["good film", ...]), labels)``;
    a Functional model starts from ``Input(shape=(), dtype="string")`` or ``(1,)``). As in
    Keras, a model holding this layer runs its train step uncompiled.

    >>> layer = TextVectorization(vocabulary=["the", "cat"], output_sequence_length=4)
    >>> layer(np.array(["The cat sat.", "cat"]))  # [UNK] is 1, padding 0
    tensor([[2, 3, 1, 0], [3, 0, 0, 0]])

    ``sparse=True`` and ``ragged=True`` are refused (no sparse or ragged tensors here).
    """

    def __init__(
        self,
        max_tokens=None,
        standardize="lower_and_strip_punctuation",
        split="whitespace",
        ngrams=None,
        output_mode="int",
        output_sequence_length=None,
        pad_to_max_tokens=False,
        vocabulary=None,
        idf_weights=None,
        sparse=False,
        ragged=False,
        encoding="utf-8",
        name=None,
        **kwargs,
    ):
        _check_choice("standardize", standardize, _STANDARDIZE)
        _check_choice("split", split, _SPLIT)
        output_mode = {"binary": "multi_hot", "tf-idf": "tf_idf"}.get(output_mode, output_mode)
        encode_categorical.check_output_mode("TextVectorization", output_mode, _OUTPUT_MODES)
        self._check_arguments(ngrams, output_mode, output_sequence_length, ragged)
        encode_categorical.check_not_sparse("TextVectorization", sparse)
        has_input_vocabulary = kwargs.pop("has_input_vocabulary", vocabulary is not None)
        vocabulary_size = kwargs.pop("vocabulary_size", None)
        kwargs.pop("dtype", None)  # the config's float32 policy; the layer reads strings
        super().__init__(name=name, **kwargs)
        self.autocast = False  # strings stay host NumPy arrays
        self.supports_jit = False
        self._standardize = standardize
        self._split = split
        self._ngrams_arg = ngrams
        self._ngrams = tuple(range(1, ngrams + 1)) if isinstance(ngrams, int) else ngrams
        self._ragged = ragged
        self._output_mode = output_mode
        self._output_sequence_length = output_sequence_length
        self._encoding = encoding
        self._lookup_layer = StringLookup(
            max_tokens=max_tokens,
            vocabulary=vocabulary,
            idf_weights=idf_weights,
            pad_to_max_tokens=pad_to_max_tokens,
            mask_token="",
            output_mode=output_mode,
            sparse=sparse,
            has_input_vocabulary=has_input_vocabulary,
            encoding=encoding,
            vocabulary_size=vocabulary_size,
        )

    @staticmethod
    def _check_arguments(ngrams, output_mode, output_sequence_length, ragged) -> None:
        is_int = isinstance(ngrams, int) and not isinstance(ngrams, bool)
        is_tuple = isinstance(ngrams, tuple) and all(isinstance(n, int) for n in ngrams)
        if not (ngrams is None or is_int or is_tuple):
            raise ValueError(
                "TextVectorization: `ngrams` must be None, an integer, or a tuple of integers. "
                f"Received: ngrams={ngrams!r}"
            )
        length_ok = output_sequence_length is None or isinstance(output_sequence_length, int)
        if output_mode == "int" and not length_ok:
            raise ValueError(
                "TextVectorization: `output_sequence_length` must be None or an integer when "
                f"`output_mode` is 'int'. Received: output_sequence_length="
                f"{output_sequence_length!r}"
            )
        if output_mode != "int" and output_sequence_length is not None:
            raise ValueError(
                "TextVectorization: `output_sequence_length` must not be set if `output_mode` "
                f"is not 'int'. Received: output_sequence_length={output_sequence_length!r}."
            )
        if ragged:
            raise ValueError(
                "TextVectorization: `ragged=True` is not supported (Lamina has no ragged "
                "tensors on any engine). Received: ragged=True; use ragged=False."
            )

    @property
    def compute_dtype(self) -> str:
        return "string"

    @property
    def variable_dtype(self) -> str:
        return "string"

    def build(self, input_shape=None) -> None:
        self.built = True

    def get_build_config(self):
        return {}

    def build_from_config(self, config) -> None:
        self.build(None)

    # ---- vocabulary ----------------------------------------------------------------------

    def adapt(self, data, batch_size=None, steps=None) -> None:
        """Learns the vocabulary (most frequent tokens first) from strings: an array, a list,
        a PyDataset or any iterable of batches."""
        self.reset_state()
        for batch in adapt_data.iterate_batches(data, batch_size, steps, layer_name="adapt"):
            self.update_state(batch)
        self.finalize_state()

    def update_state(self, data) -> None:
        tokens = self._preprocess(data)
        if isinstance(tokens, np.ndarray):
            tokens = self._lookup_layer._documents(tokens)
        if self._lookup_layer._has_input_vocabulary:
            raise ValueError(
                f"Cannot adapt layer '{self.name}' after setting a static vocabulary via the "
                "`vocabulary` argument."
            )
        self._lookup_layer._update_documents(tokens)

    def finalize_state(self) -> None:
        self._lookup_layer.finalize_state()

    def reset_state(self) -> None:
        self._lookup_layer.reset_state()

    def get_vocabulary(self, include_special_tokens=True) -> list:
        """The vocabulary; with ``include_special_tokens`` padding ("") and OOV come first."""
        return self._lookup_layer.get_vocabulary(include_special_tokens)

    def vocabulary_size(self) -> int:
        return self._lookup_layer.vocabulary_size()

    def set_vocabulary(self, vocabulary, idf_weights=None) -> None:
        """Replaces the vocabulary (list, array or text-file path) and tf_idf weights."""
        self._lookup_layer.set_vocabulary(vocabulary, idf_weights=idf_weights)

    # ---- call ----------------------------------------------------------------------------

    def _standardize_texts(self, texts: np.ndarray) -> np.ndarray:
        if self._standardize in ("lower", "lower_and_strip_punctuation"):
            texts = np.array([text.translate(_ASCII_LOWER) for text in texts.tolist()], str)
        if self._standardize in ("strip_punctuation", "lower_and_strip_punctuation"):
            texts = np.array([_PUNCTUATION.sub("", text) for text in texts.tolist()], str)
        if callable(self._standardize):
            result = self._standardize(texts)
            texts = self._lookup_layer._tokens_from(adapt_data.as_numpy(result))
        return texts

    def _split_texts(self, texts: np.ndarray) -> list:
        if self._split == "whitespace":
            return [text.split() for text in texts.tolist()]
        if self._split == "character":
            return [list(text) for text in texts.tolist()]
        rows = self._split(texts)
        return [[str(token) for token in self._lookup_layer._tokens_from(row)] for row in rows]

    def _preprocess(self, inputs):
        """Standardized tokens: one list per string (``split`` set or ngrams), else the
        standardized ``str`` array."""
        texts = self._lookup_layer._tokens_from(inputs)
        texts = self._standardize_texts(texts.reshape(-1)).reshape(texts.shape)
        if self._split is None:
            if self._ngrams is None:
                return texts
            rows = [row.reshape(-1).tolist() for row in texts.reshape(len(texts), -1)]
        else:
            if texts.ndim > 1:
                if texts.shape[-1] != 1:
                    raise ValueError(
                        "When using `TextVectorization` to tokenize strings, the input rank "
                        "must be 1 or the last shape dimension must be 1. Received: "
                        f"inputs.shape={texts.shape} with rank={texts.ndim}"
                    )
                texts = texts[..., 0]
            rows = self._split_texts(texts.reshape(-1))
        if self._ngrams is not None:
            rows = [_ngrams(row, self._ngrams) for row in rows]
        return rows

    def call(self, inputs):
        tokens = self._preprocess(inputs)
        lookup = self._lookup_layer
        if isinstance(tokens, np.ndarray):
            indices = lookup.lookup(tokens)
            if self._output_mode != "int":
                return lookup.encode(indices)
            if self._output_sequence_length is not None:
                indices = self._fit_length(indices, self._output_sequence_length)
            return backend.convert_to_tensor(indices, dtype="int64")
        lengths = [len(row) for row in tokens]
        flat = lookup.lookup(np.array([t for row in tokens for t in row] or [""], str))
        if self._output_mode == "int":
            width = self._output_sequence_length
            filler = 0
        else:
            width, filler = None, -1  # -1: encodes as nothing
        width = width if width is not None else max(lengths, default=0)
        padded = np.full((len(tokens), width), filler, np.int64)  # (batch, width)
        start = 0
        for row, length in enumerate(lengths):
            kept = min(length, width)
            padded[row, :kept] = flat[start : start + kept]
            start += length
        if self._output_mode == "int":
            return backend.convert_to_tensor(padded, dtype="int64")
        if width == 0:
            padded = np.full((len(tokens), 1), -1, np.int64)
        return lookup.encode(padded)

    @staticmethod
    def _fit_length(indices: np.ndarray, length: int) -> np.ndarray:
        indices = indices[..., :length]
        missing = length - indices.shape[-1]
        if missing:
            pad = [(0, 0)] * (indices.ndim - 1) + [(0, missing)]
            indices = np.pad(indices, pad)
        return indices

    def compute_output_shape(self, input_shape):
        if self._output_mode == "int":
            return (input_shape[0], self._output_sequence_length)
        if self._split is None:
            if len(input_shape) <= 1:
                input_shape = (*input_shape, 1)
        else:
            input_shape = (*input_shape, None)
        return self._lookup_layer.compute_output_shape(input_shape)

    def compute_output_spec(self, inputs, *args, **kwargs):
        dtype = "int64" if self._output_mode == "int" else backend.floatx()
        return backend.KerasTensor(self.compute_output_shape(inputs.shape), dtype=dtype)

    # ---- config and saving ---------------------------------------------------------------

    def get_config(self) -> dict:
        lookup = self._lookup_layer
        return {
            **super().get_config(),
            "max_tokens": lookup.max_tokens,
            "standardize": _serialize_callable(self._standardize),
            "split": _serialize_callable(self._split),
            "ngrams": self._ngrams_arg,
            "output_mode": self._output_mode,
            "output_sequence_length": self._output_sequence_length,
            "pad_to_max_tokens": lookup.pad_to_max_tokens,
            "sparse": lookup.sparse,
            "ragged": self._ragged,
            "vocabulary": _as_list(lookup.input_vocabulary),
            "idf_weights": _as_list(lookup.input_idf_weights),
            "encoding": self._encoding,
            "vocabulary_size": self.vocabulary_size(),
        }

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        for argument in ("standardize", "split"):
            if config.get(argument) is not None and not isinstance(config[argument], str):
                config[argument] = deserialize_keras_object(config[argument], kind="function")
        if isinstance(config.get("ngrams"), list):
            config["ngrams"] = tuple(config["ngrams"])
        return super().from_config(config)

    def save_own_variables(self, store) -> None:
        self._lookup_layer.save_own_variables(store)

    def load_own_variables(self, store) -> None:
        self._lookup_layer.load_own_variables(store)

    def save_assets(self, dir_path: str) -> None:
        self._lookup_layer.save_assets(dir_path)

    def load_assets(self, dir_path: str) -> None:
        self._lookup_layer.load_assets(dir_path)


__all__ = ["TextVectorization"]
