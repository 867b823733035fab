"""Hashing: strings or integers to ``num_bins`` bins, with Keras's (TensorFlow's) hashes."""

from __future__ import annotations

import numpy as np

from lamina import backend, ops
from lamina.backend import KerasTensor
from lamina.layers.layer import Layer
from lamina.layers.preprocessing.adapt_data import as_numpy
from lamina.layers.preprocessing.encode_categorical import (
    check_not_sparse,
    check_output_mode,
    encode_categorical_inputs,
    encoded_shape,
)
from lamina.layers.preprocessing.string_hashing import fingerprint64, siphash


def hash_input_strings(values: np.ndarray) -> np.ndarray:
    """The text TensorFlow hashes for ``values``: strings as they are, integers in decimal,
    booleans as "true"/"false", floats truncated to integers first (as Keras)."""
    kind = values.dtype.kind
    if kind == "f":
        values = values.astype(np.int64)
        kind = "i"
    if kind == "b":
        return np.where(values, "true", "false")
    if kind in "iu":
        return values.astype(str)
    if kind in "USO":
        return values
    raise TypeError(f"Hashing takes strings, integers or floats; received dtype {values.dtype}.")


def _equal_to(values: np.ndarray, target) -> np.ndarray:
    """``values == target`` elementwise, comparing text by its UTF-8 bytes."""
    if values.dtype.kind in "SO" or isinstance(target, bytes):
        target_bytes = target if isinstance(target, bytes) else str(target).encode("utf-8")

        def same(value):
            if isinstance(value, bytes):
                return value == target_bytes
            return isinstance(value, str) and value.encode("utf-8") == target_bytes

        return np.frompyfunc(same, 1, 1)(values).astype(bool)
    if values.dtype.kind == "U" or isinstance(target, str):
        return values.astype(str) == str(target)
    return values == target


class Hashing(Layer):
    """Hashes each value into one of ``num_bins`` bins, as Keras's ``Hashing`` does (bins
    equal Keras's; no TensorFlow needed).

    Values are hashed in their string form (integers in decimal; floats truncated first)
    with FarmHash Fingerprint64, or with SipHash-2-4 keyed by ``salt`` (an int, used twice,
    or two ints). With ``mask_value``, that value goes to bin 0 and the others to bins
    ``1 .. num_bins - 1``. Strings arrive as NumPy str/object arrays; hashing runs on the
    host, so a model holding this layer trains uncompiled (as in Keras).

    >>> Hashing(num_bins=3)(np.array([["A"], ["B"], ["C"], ["D"], ["E"]]))
    """

    def __init__(
        self, num_bins, mask_value=None, salt=None, output_mode="int", sparse=False, **kwargs
    ):
        if kwargs.get("dtype") is None:
            kwargs["dtype"] = "int64" if output_mode == "int" else backend.floatx()
        if (
            not isinstance(num_bins, (int, np.integer))
            or isinstance(num_bins, bool)
            or num_bins <= 0
        ):
            raise ValueError(
                "The `num_bins` for `Hashing` cannot be `None` or non-positive values. "
                f"Received: num_bins={num_bins}."
            )
        check_output_mode("Hashing", output_mode)
        if sparse and output_mode == "int":
            raise ValueError(
                '`sparse` may only be true if `output_mode` is "one_hot", "multi_hot", or '
                f'"count". Received: sparse={sparse} and output_mode={output_mode}'
            )
        check_not_sparse("Hashing", sparse)
        self.salt = self._standardize_salt(salt)
        super().__init__(**kwargs)
        if output_mode == "int" and self.dtype not in ("int32", "int64"):
            raise ValueError(
                "When `output_mode='int'`, `dtype` should be an integer type, 'int32' or "
                f"'int64'. Received: dtype={kwargs['dtype']}"
            )
        self.num_bins = int(num_bins)
        self.mask_value = mask_value
        self.strong_hash = salt is not None
        self.output_mode = output_mode
        self.sparse = sparse
        self.autocast = False  # values are hashed as given (host text, integers or floats)
        self.supports_jit = False

    @staticmethod
    def _standardize_salt(salt):
        if salt is None:
            return None
        if isinstance(salt, (tuple, list)) and len(salt) == 2:
            return list(salt)
        if isinstance(salt, int) and not isinstance(salt, bool):
            return [salt, salt]
        raise ValueError(
            "The `salt` argument for `Hashing` can only be a tuple of size 2 integers, or a "
            f"single integer. Received: salt={salt}."
        )

    def hash_to_bins(self, values) -> np.ndarray:
        """Bin indices (int64 NumPy array) of ``values``, computed on the host."""
        values = as_numpy(values)
        hash_bins, mask = self.num_bins, None
        if self.mask_value is not None and hash_bins > 1:
            hash_bins -= 1  # bin 0 is the mask's
            mask = _equal_to(values, self.mask_value)
        text = hash_input_strings(values)
        hashes = siphash(text, self.salt) if self.strong_hash else fingerprint64(text)
        bins = (hashes % np.uint64(hash_bins)).astype(np.int64)
        if mask is not None:
            bins = np.where(mask, 0, bins + 1)
        return bins

    def call(self, inputs):
        values = as_numpy(inputs)
        if self.output_mode == "one_hot" and values.ndim and values.shape[-1] == 1:
            values = np.squeeze(values, axis=-1)
        bins = ops.convert_to_tensor(self.hash_to_bins(values), dtype="int64")
        return encode_categorical_inputs(bins, self.output_mode, self.num_bins, self.dtype)

    def compute_output_shape(self, input_shape):
        return encoded_shape(input_shape, self.output_mode, self.num_bins)

    def compute_output_spec(self, inputs, **kwargs):
        return KerasTensor(self.compute_output_shape(inputs.shape), dtype=self.dtype)

    def get_config(self) -> dict:
        return {
            **super().get_config(),
            "num_bins": self.num_bins,
            "salt": self.salt,
            "mask_value": self.mask_value,
            "output_mode": self.output_mode,
            "sparse": self.sparse,
        }
