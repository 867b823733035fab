"""FeatureSpace: preprocess and encode a dict of structured-data features in one object.

Keras's ``keras.utils.FeatureSpace`` with its API and file format. Where Keras switches to
TensorFlow to run the preprocessing layers, Lamina runs them as they are: text stays a host
NumPy array up to the layer that turns it into integers (``StringLookup``, ``Hashing``),
numbers become engine tensors there, and the encoded output is an engine tensor.
"""

from __future__ import annotations

import numpy as np

from lamina import backend, ops
from lamina.backend.common.global_state import unique_name
from lamina.layers.core.input_layer import Input
from lamina.layers.layer import Layer
from lamina.layers.preprocessing.adapt_data import as_numpy
from lamina.layers.preprocessing.category_encoding import CategoryEncoding
from lamina.layers.preprocessing.discretization import Discretization
from lamina.layers.preprocessing.feature_space_data import feature_batches
from lamina.layers.preprocessing.hashed_crossing import HashedCrossing
from lamina.layers.preprocessing.hashing import Hashing
from lamina.layers.preprocessing.integer_lookup import IntegerLookup
from lamina.layers.preprocessing.normalization import Normalization
from lamina.layers.preprocessing.rescaling import Rescaling
from lamina.layers.preprocessing.string_lookup import StringLookup
from lamina.layers.preprocessing.text_vectorization import TextVectorization
from lamina.serialization import deserialize_keras_object, serialize_keras_object

_FEATURE_OUTPUT_MODES = ("int", "one_hot", "float")
_CROSS_OUTPUT_MODES = ("int", "one_hot")


def _check_choice(owner: str, argument: str, value, choices) -> None:
    if value not in choices:
        raise ValueError(
            f"{owner}: invalid value for argument `{argument}`. Expected one of "
            f"{list(choices)}. Received: {argument}={value!r}"
        )


class Cross:
    """A feature cross: the named features' values hashed together into ``crossing_dim``
    bins (a ``HashedCrossing`` layer)."""

    def __init__(self, feature_names, crossing_dim, output_mode="one_hot"):
        _check_choice("Cross", "output_mode", output_mode, _CROSS_OUTPUT_MODES)
        if isinstance(feature_names, str) or len(tuple(feature_names)) < 2:
            raise ValueError(
                "Cross: `feature_names` must name at least two features. Received: "
                f"feature_names={feature_names!r}"
            )
        self.feature_names = tuple(feature_names)
        self.crossing_dim = crossing_dim
        self.output_mode = output_mode

    @property
    def name(self) -> str:
        return "_X_".join(self.feature_names)

    def get_config(self) -> dict:
        return {
            "feature_names": list(self.feature_names),
            "crossing_dim": self.crossing_dim,
            "output_mode": self.output_mode,
        }

    @classmethod
    def from_config(cls, config):
        return cls(**config)


class Feature:
    """One input feature: its dtype, the layer that preprocesses it, and how the result is
    encoded (``"int"``, ``"one_hot"`` or ``"float"``)."""

    def __init__(self, dtype, preprocessor, output_mode):
        _check_choice("Feature", "output_mode", output_mode, _FEATURE_OUTPUT_MODES)
        if isinstance(preprocessor, dict):
            preprocessor = deserialize_keras_object(preprocessor)  # the allow-listed path
        if not isinstance(preprocessor, Layer):
            raise TypeError(
                "Feature: `preprocessor` must be a Layer. Received: "
                f"preprocessor of type {type(preprocessor).__name__}"
            )
        self.dtype = dtype
        self.preprocessor = preprocessor
        self.output_mode = output_mode

    def get_config(self) -> dict:
        return {
            "dtype": self.dtype,
            "preprocessor": serialize_keras_object(self.preprocessor),
            "output_mode": self.output_mode,
        }

    @classmethod
    def from_config(cls, config):
        return cls(**config)


# The two helper layers keep Keras's class names so that files move both ways: Keras writes
# them as `keras.src.layers.preprocessing.feature_space.TFDIdentity` and `TFDConcat`.
class TFDIdentity(Layer):
    """The preprocessor of a plain ``"float"`` feature: the values as floats."""

    def call(self, inputs):
        return ops.cast(inputs, self.compute_dtype)

    def compute_output_shape(self, input_shape):
        return input_shape


class TFDConcat(Layer):
    """Concatenates the encoded features along ``axis`` (``output_mode="concat"``)."""

    def __init__(self, axis, **kwargs):
        super().__init__(**kwargs)
        self.axis = axis

    def call(self, inputs):
        return ops.concatenate(list(inputs), axis=self.axis)

    def get_config(self) -> dict:
        return {**super().get_config(), "axis": self.axis}


def _cardinality(name: str, preprocessor) -> int:
    """The number of distinct integers a preprocessor outputs, for one-hot encoding."""
    if isinstance(preprocessor, (IntegerLookup, StringLookup)):
        return preprocessor.vocabulary_size()
    if isinstance(preprocessor, CategoryEncoding):
        return preprocessor.num_tokens
    if isinstance(preprocessor, Discretization):
        if preprocessor.num_bins is None:
            return len(preprocessor.bin_boundaries) + 1
        return preprocessor.num_bins
    if isinstance(preprocessor, (HashedCrossing, Hashing)):
        return preprocessor.num_bins
    raise ValueError(
        f"Feature {name!r} has `output_mode='one_hot'`, but its preprocessor "
        f"({type(preprocessor).__name__}) has no known number of output values, so it cannot "
        "be one-hot encoded. Use `output_mode='int'`."
    )


def _standardize_value(value):
    """One feature's input as a tensor, KerasTensor or NumPy array (text stays NumPy)."""
    if isinstance(value, (np.ndarray, backend.KerasTensor)) or backend.is_tensor(value):
        return value
    return as_numpy(value)  # lists, Python scalars, tf.Tensors


def _as_batch(value):
    """``value`` with rank at least 2: a scalar becomes ``(1, 1)``, a vector a column."""
    ndim = len(value.shape)
    if ndim >= 2:
        return value
    if isinstance(value, np.ndarray):
        return value.reshape((1, 1)) if ndim == 0 else value[:, None]
    return ops.reshape(value, (1, 1)) if ndim == 0 else ops.expand_dims(value, -1)


class FeatureSpace(Layer):
    """Preprocesses and encodes structured data: a dict of named features in, one vector
    (``output_mode="concat"``) or a dict of encoded features (``"dict"``) out.

    ``features`` maps each feature name to its type: a name such as ``"float_normalized"``
    or a ``FeatureSpace.<type>(...)`` spec. The types are ``float``, ``float_rescaled``,
    ``float_normalized``, ``float_discretized``, ``integer_categorical``,
    ``string_categorical``, ``integer_hashed`` and ``string_hashed``; ``FeatureSpace.feature``
    takes any preprocessing layer. ``crosses`` lists feature crosses (tuples of feature names
    or ``FeatureSpace.cross(...)``), hashed into ``crossing_dim`` bins; ``hashing_dim`` and
    ``num_discretization_bins`` are the defaults of the hashed and discretized types.

    Call ``adapt(dataset)`` first: a dict of arrays, a ``tf.data.Dataset``, a ``PyDataset``
    or an iterable yielding dicts. Then call the FeatureSpace on a dict of values (batched
    or one sample), or build a model from ``get_inputs()`` and ``get_encoded_features()``.
    Encoded features are concatenated in the order of their sorted names, crosses last.
    ``save("fs.keras")`` writes a file that ``lamina.saving.load_model`` (or Keras) reloads.

    >>> fs = FeatureSpace({"age": "float_normalized", "city": "string_categorical"})
    >>> fs.adapt({"age": [31.0, 45.0, 22.0], "city": ["Oslo", "Rome", "Oslo"]})
    >>> tuple(fs({"age": [40.0], "city": ["Rome"]}).shape)  # 1 + 3: "[UNK]", Oslo, Rome
    (1, 4)
    """

    @classmethod
    def cross(cls, feature_names, crossing_dim, output_mode="one_hot"):
        return Cross(feature_names, crossing_dim, output_mode=output_mode)

    @classmethod
    def feature(cls, dtype, preprocessor, output_mode):
        return Feature(dtype, preprocessor, output_mode)

    @classmethod
    def float(cls, name=None):
        name = name or unique_name("float")
        preprocessor = TFDIdentity(dtype="float32", name=f"{name}_preprocessor")
        return Feature(dtype="float32", preprocessor=preprocessor, output_mode="float")

    @classmethod
    def float_rescaled(cls, scale=1.0, offset=0.0, name=None):
        name = name or unique_name("float_rescaled")
        preprocessor = Rescaling(scale=scale, offset=offset, name=f"{name}_preprocessor")
        return Feature(dtype="float32", preprocessor=preprocessor, output_mode="float")

    @classmethod
    def float_normalized(cls, name=None):
        name = name or unique_name("float_normalized")
        preprocessor = Normalization(axis=-1, name=f"{name}_preprocessor")
        return Feature(dtype="float32", preprocessor=preprocessor, output_mode="float")

    @classmethod
    def float_discretized(cls, num_bins, bin_boundaries=None, output_mode="one_hot", name=None):
        name = name or unique_name("float_discretized")
        preprocessor = Discretization(
            num_bins=num_bins, bin_boundaries=bin_boundaries, name=f"{name}_preprocessor"
        )
        return Feature(dtype="float32", preprocessor=preprocessor, output_mode=output_mode)

    @classmethod
    def integer_categorical(
        cls, max_tokens=None, num_oov_indices=1, output_mode="one_hot", name=None
    ):
        name = name or unique_name("integer_categorical")
        preprocessor = IntegerLookup(
            name=f"{name}_preprocessor", max_tokens=max_tokens, num_oov_indices=num_oov_indices
        )
        return Feature(dtype="int32", preprocessor=preprocessor, output_mode=output_mode)

    @classmethod
    def string_categorical(
        cls, max_tokens=None, num_oov_indices=1, output_mode="one_hot", name=None
    ):
        name = name or unique_name("string_categorical")
        preprocessor = StringLookup(
            name=f"{name}_preprocessor", max_tokens=max_tokens, num_oov_indices=num_oov_indices
        )
        return Feature(dtype="string", preprocessor=preprocessor, output_mode=output_mode)

    @classmethod
    def string_hashed(cls, num_bins, output_mode="one_hot", name=None):
        name = name or unique_name("string_hashed")
        preprocessor = Hashing(name=f"{name}_preprocessor", num_bins=num_bins)
        return Feature(dtype="string", preprocessor=preprocessor, output_mode=output_mode)

    @classmethod
    def integer_hashed(cls, num_bins, output_mode="one_hot", name=None):
        name = name or unique_name("integer_hashed")
        preprocessor = Hashing(name=f"{name}_preprocessor", num_bins=num_bins)
        return Feature(dtype="int32", preprocessor=preprocessor, output_mode=output_mode)

    _NAMED_TYPES = (
        "float",
        "float_normalized",
        "float_rescaled",
        "float_discretized",
        "integer_categorical",
        "string_categorical",
        "integer_hashed",
        "string_hashed",
    )

    def __init__(
        self,
        features,
        output_mode="concat",
        crosses=None,
        crossing_dim=32,
        hashing_dim=32,
        num_discretization_bins=32,
        name=None,
    ):
        if not isinstance(features, dict) or not features:
            raise ValueError(
                "FeatureSpace: `features` must be a non-empty dict of feature name to type. "
                f"Received: features={features!r}"
            )
        _check_choice("FeatureSpace", "output_mode", output_mode, ("dict", "concat"))
        super().__init__(name=name)
        self.crossing_dim = crossing_dim
        self.hashing_dim = hashing_dim
        self.num_discretization_bins = num_discretization_bins
        self.features = {
            name: self._standardize_feature(name, value) for name, value in features.items()
        }
        self.crosses = [self._standardize_cross(cross) for cross in crosses or ()]
        self.crosses_by_name = {cross.name: cross for cross in self.crosses}
        self.output_mode = output_mode
        self.inputs = {
            name: Input(shape=(1,), dtype=feature.dtype, name=name)
            for name, feature in self.features.items()
        }
        self.preprocessors = {name: feature.preprocessor for name, feature in self.features.items()}
        self.encoded_features = None
        self.crossers = {
            cross.name: HashedCrossing(cross.crossing_dim, name=cross.name)
            for cross in self.crosses
        }
        self.one_hot_encoders = {}
        self.concat = None
        self._is_adapted = False
        self._preprocessed_features_names = None
        self._crossed_features_names = []
        self._sublayers_built = False

    def _standardize_feature(self, name, feature) -> Feature:
        if isinstance(feature, Feature):
            return feature
        if isinstance(feature, dict):
            feature = deserialize_keras_object(feature)
            if isinstance(feature, Feature):
                return feature
        if feature not in self._NAMED_TYPES:
            raise ValueError(
                f"FeatureSpace: invalid type for feature {name!r}. Expected a "
                f"FeatureSpace.<type>() spec or one of {list(self._NAMED_TYPES)}. "
                f"Received: {feature!r}"
            )
        if feature == "float_discretized":
            return self.float_discretized(num_bins=self.num_discretization_bins, name=name)
        if feature in ("integer_hashed", "string_hashed"):
            return getattr(self, feature)(self.hashing_dim, name=name)
        return getattr(self, feature)(name=name)

    def _standardize_cross(self, cross) -> Cross:
        if isinstance(cross, dict):
            cross = deserialize_keras_object(cross)
        if isinstance(cross, Cross):
            return cross
        if not self.crossing_dim:
            raise ValueError(
                "FeatureSpace: when `crosses` are given, `crossing_dim` (the size of the "
                f"crossing space) must be set. Received: crossing_dim={self.crossing_dim!r}"
            )
        unknown = [key for key in cross if key not in self.features]
        if unknown:
            raise ValueError(
                "FeatureSpace: every feature named in `crosses` must be in `features`. "
                f"Received unknown features {unknown} in cross {cross!r}."
            )
        return Cross(cross, crossing_dim=self.crossing_dim)

    # ---- adapting ------------------------------------------------------------------------

    def _list_adaptable_preprocessors(self) -> list:
        names = []
        for name, preprocessor in self.preprocessors.items():
            # Layers given their state up front (a Normalization's mean, a vocabulary)
            # need no adapting, as in Keras.
            if isinstance(preprocessor, Normalization) and preprocessor.input_mean is not None:
                continue
            if isinstance(preprocessor, TextVectorization) and (
                preprocessor._lookup_layer._has_input_vocabulary
            ):
                continue
            if hasattr(preprocessor, "adapt"):
                names.append(name)
        return names

    def adapt(self, dataset) -> None:
        """Learns each adaptable preprocessor's state (means, vocabularies, bin boundaries)
        from ``dataset``, read once."""
        names = self._list_adaptable_preprocessors()
        batches = feature_batches(dataset, names)
        for name in names:
            self.preprocessors[name].adapt(batches[name])
        self._is_adapted = True
        self.get_encoded_features()  # finishes building: the encoders and the concat layer
        self.built = True
        self._sublayers_built = True

    # ---- the symbolic graph --------------------------------------------------------------

    def get_inputs(self) -> dict:
        self._check_if_built()
        return self.inputs

    def get_encoded_features(self):
        self._check_if_adapted()
        if self.encoded_features is None:
            preprocessed = self._preprocess_features(self.inputs)
            crossed = self._cross_features(preprocessed)
            self.encoded_features = self._merge_features(preprocessed, crossed)
        return self.encoded_features

    def _preprocess_features(self, features: dict) -> dict:
        return {name: self.preprocessors[name](features[name]) for name in self.features}

    def _cross_features(self, features: dict) -> dict:
        return {
            cross.name: self.crossers[cross.name]([features[name] for name in cross.feature_names])
            for cross in self.crosses
        }

    def _merge_features(self, preprocessed: dict, crossed: dict):
        if self._preprocessed_features_names is None:
            self._preprocessed_features_names = sorted(preprocessed)
            self._crossed_features_names = sorted(crossed)
        names = self._preprocessed_features_names + self._crossed_features_names
        values = [preprocessed[name] for name in self._preprocessed_features_names]
        values += [crossed[name] for name in self._crossed_features_names]
        if not self._sublayers_built:
            self._make_encoders(names, values)
        encoded = {}
        for name, value in zip(names, values):
            encoder = self.one_hot_encoders.get(name)
            encoded[name] = value if encoder is None else encoder(value)
        if self.output_mode == "dict":
            return encoded
        if self.concat is None:
            self._check_concatenable(encoded)
            self.concat = TFDConcat(axis=-1)
        return self.concat(list(encoded.values()))

    def _spec(self, name: str):
        return self.features[name] if name in self.features else self.crosses_by_name[name]

    def _make_encoders(self, names: list, values: list) -> None:
        """The one-hot encoders of the ``output_mode="one_hot"`` features and crosses,
        sized from their preprocessors (built on the first, symbolic, pass)."""
        for name, value in zip(names, values):
            if self._spec(name).output_mode != "one_hot" or name in self.one_hot_encoders:
                continue
            dtype = backend.standardize_dtype(value.dtype)
            if not dtype.startswith(("int", "uint")):
                raise ValueError(
                    f"Feature {name!r} has `output_mode='one_hot'`, so its preprocessor must "
                    f"return integers. It returns dtype {dtype}."
                )
            preprocessor = self.preprocessors.get(name) or self.crossers[name]
            self.one_hot_encoders[name] = CategoryEncoding(
                num_tokens=_cardinality(name, preprocessor), output_mode="multi_hot"
            )

    @staticmethod
    def _check_concatenable(encoded: dict) -> None:
        for name, value in encoded.items():
            dtype = backend.standardize_dtype(value.dtype)
            if dtype.startswith(("int", "uint")) or dtype == "string":
                raise ValueError(
                    f"Cannot concatenate features: feature {name!r} is not encoded (dtype "
                    f"{dtype}). Give it `output_mode='one_hot'`, or use `output_mode='dict'`."
                )

    def _check_if_adapted(self) -> None:
        if self._is_adapted:
            return
        if self._list_adaptable_preprocessors():
            raise ValueError(
                "You need to call `.adapt(dataset)` on the FeatureSpace before you can start "
                "using it."
            )
        self._is_adapted = True

    def _check_if_built(self) -> None:
        if not self._sublayers_built:
            self._check_if_adapted()
            self.get_encoded_features()
            self._sublayers_built = True
            self.built = True

    # ---- calling -------------------------------------------------------------------------

    def __call__(self, data):
        if not isinstance(data, dict):
            raise ValueError(
                "A FeatureSpace can only be called with a dict of feature values. "
                f"Received: data of type {type(data).__name__}"
            )
        missing = [name for name in self.features if name not in data]
        if missing:
            raise ValueError(
                f"FeatureSpace: the data has no value for feature(s) {missing}; received "
                f"features {sorted(data)}."
            )
        self._check_if_built()
        values = {name: _standardize_value(data[name]) for name in self.features}
        rebatched = any(len(value.shape) == 0 for value in values.values())
        values = {name: _as_batch(value) for name, value in values.items()}
        preprocessed = self._preprocess_features(values)
        merged = self._merge_features(preprocessed, self._cross_features(preprocessed))
        if not rebatched:
            return merged
        # One unbatched sample in, one unbatched sample out.
        if self.output_mode == "concat":
            return ops.squeeze(merged, axis=0)
        return {
            name: ops.squeeze(value, axis=0) if len(value.shape) == 2 else value
            for name, value in merged.items()
        }

    # ---- saving --------------------------------------------------------------------------

    def get_config(self) -> dict:
        return {
            "features": {
                name: serialize_keras_object(feature) for name, feature in self.features.items()
            },
            "output_mode": self.output_mode,
            "crosses": [serialize_keras_object(cross) for cross in self.crosses],
            "crossing_dim": self.crossing_dim,
            "hashing_dim": self.hashing_dim,
            "num_discretization_bins": self.num_discretization_bins,
        }

    @classmethod
    def from_config(cls, config):
        return cls(**config)

    def get_build_config(self):
        return {
            name: feature.preprocessor.get_build_config() or {}
            for name, feature in self.features.items()
        }

    def build_from_config(self, config) -> None:
        for name, preprocessor_config in config.items():
            preprocessor = self.features[name].preprocessor
            if not preprocessor.built:
                preprocessor.build_from_config(preprocessor_config)
        self._is_adapted = True

    def save(self, filepath) -> None:
        """Saves the FeatureSpace to a ``.keras`` file; ``saving.load_model`` reloads it."""
        from lamina.saving import save_model  # floor 6 above this one: Keras's `save` hook

        save_model(self, filepath)

    # A FeatureSpace's own state is its sublayers'; like Keras's, it writes nothing itself.
    def save_own_variables(self, store) -> None:
        return

    def load_own_variables(self, store) -> None:
        return


__all__ = ["Cross", "Feature", "FeatureSpace", "TFDConcat", "TFDIdentity"]
