"""HashedCrossing: crosses two or more categorical features into ``num_bins`` hashed bins."""

from __future__ import annotations

import numpy as np

from lamina import ops
from lamina.backend import KerasTensor
from lamina.layers.layer import Layer
from lamina.layers.preprocessing.adapt_data import as_numpy
from lamina.layers.preprocessing.encode_categorical import (
    check_output_mode,
    encode_categorical_inputs,
    encoded_shape,
)
from lamina.layers.preprocessing.string_hashing import fingerprint64, fingerprint_cat64

# TensorFlow's sparse.cross_hashed starts every cross from this key (Keras passes none).
_CROSS_HASH_KEY = 0xDECAFCAFFE


def _feature_hashes(values: np.ndarray) -> np.ndarray:
    """TensorFlow's per-feature hash in a cross: strings are fingerprinted, integers are
    their own hash (as uint64)."""
    if values.dtype.kind in "iu":
        return values.astype(np.int64).view(np.uint64)
    return fingerprint64(values)


class HashedCrossing(Layer):
    """Hashes the combination of values of several categorical features (a feature cross)
    into ``num_bins`` bins, with the hashes Keras's layer uses (bins equal Keras's; no
    TensorFlow needed).

    Called on a list or tuple of at least two integer or string inputs of equal shape
    ``()``, ``(batch_size,)`` or ``(batch_size, 1)``. ``output_mode`` is ``"int"`` (int64
    bin indices) or ``"one_hot"``. Runs on the host, so a model holding it trains
    uncompiled (as in Keras).

    >>> HashedCrossing(num_bins=5)((np.array([1, 2]), np.array(["A", "B"])))
    """

    def __init__(self, num_bins, output_mode="int", sparse=False, name=None, dtype=None, **kwargs):
        if (
            not isinstance(num_bins, (int, np.integer))
            or isinstance(num_bins, bool)
            or num_bins <= 0
        ):
            raise ValueError(
                f"`num_bins` must be a positive integer. Received: num_bins={num_bins}"
            )
        check_output_mode("HashedCrossing", output_mode, ("int", "one_hot"))
        if sparse:
            raise ValueError(
                "HashedCrossing: `sparse=True` is not supported (Lamina has no sparse tensors). "
                f"Received: sparse={sparse!r}."
            )
        if output_mode == "int" and dtype is None:
            dtype = "int64"
        super().__init__(name=name, dtype=dtype, **kwargs)
        self.num_bins = int(num_bins)
        self.output_mode = output_mode
        self.sparse = sparse
        self.autocast = False  # features are hashed as given (host text or integers)
        self.supports_jit = False

    def _checked_features(self, inputs) -> list:
        if not isinstance(inputs, (list, tuple)):
            raise ValueError(
                "`HashedCrossing` should be called on a list or tuple of inputs. Received: "
                f"inputs of type {type(inputs).__name__}"
            )
        if len(inputs) < 2:
            raise ValueError(
                "`HashedCrossing` should be called on at least two inputs. Received: "
                f"{len(inputs)} input(s)"
            )
        features = [as_numpy(x) for x in inputs]
        shape = features[0].shape
        if len(shape) > 2 or (len(shape) == 2 and shape[-1] != 1):
            raise ValueError(
                "All `HashedCrossing` inputs should have shape `()`, `(batch_size)` or "
                f"`(batch_size, 1)`. Received: shapes {[x.shape for x in features]}"
            )
        if any(x.shape != shape for x in features[1:]):
            raise ValueError(
                "All `HashedCrossing` inputs should have equal shape. Received: shapes "
                f"{[x.shape for x in features]}"
            )
        if any(x.dtype.kind not in "iuUSO" for x in features):
            raise ValueError(
                "All `HashedCrossing` inputs should have an integer or string dtype. "
                f"Received: dtypes {[str(x.dtype) for x in features]}"
            )
        return features

    def call(self, inputs):
        features = self._checked_features(inputs)
        shape = features[0].shape
        crossed = np.full(features[0].size, _CROSS_HASH_KEY, dtype=np.uint64)
        for feature in features:
            crossed = fingerprint_cat64(crossed, _feature_hashes(feature.reshape(-1)))
        bins = (crossed % np.uint64(self.num_bins)).astype(np.int64).reshape(shape)
        bins = ops.convert_to_tensor(bins, dtype="int64")
        return encode_categorical_inputs(bins, self.output_mode, self.num_bins, self.dtype)

    def compute_output_spec(self, inputs, **kwargs):
        if not isinstance(inputs, (list, tuple)) or len(inputs) < 2:
            raise ValueError(
                "`HashedCrossing` should be called on a list or tuple of at least two inputs."
            )
        shape = encoded_shape(inputs[0].shape, self.output_mode, self.num_bins)
        return KerasTensor(shape, dtype=self.dtype)

    def get_config(self) -> dict:
        return {
            "num_bins": self.num_bins,
            "output_mode": self.output_mode,
            "sparse": self.sparse,
            "name": self.name,
            "dtype": self.dtype,
        }
