"""Resolve initializers by name, config or value, as ``keras.initializers.get``."""

from __future__ import annotations

from lamina import backend, ops
from lamina.initializers import deterministic, fourier, random
from lamina.initializers.initializer import Initializer
from lamina.serialization import deserialize_keras_object, serialize_keras_object

_CLASSES = (
    Initializer, deterministic.Zeros, deterministic.Ones, deterministic.Constant,
    deterministic.Identity, fourier.STFT, random.RandomNormal, random.RandomUniform,
    random.TruncatedNormal, random.VarianceScaling, random.GlorotUniform, random.GlorotNormal,
    random.HeUniform, random.HeNormal, random.LecunUniform, random.LecunNormal,
    random.Orthogonal,
)  # fmt: skip
# Keras's names: each class name, its snake_case form, and a few older spellings.
_SNAKE_CASE = {
    "initializer": "Initializer", "zeros": "Zeros", "ones": "Ones", "constant": "Constant",
    "identity": "Identity", "stft": "STFT", "random_normal": "RandomNormal",
    "random_uniform": "RandomUniform", "truncated_normal": "TruncatedNormal",
    "variance_scaling": "VarianceScaling", "glorot_uniform": "GlorotUniform",
    "glorot_normal": "GlorotNormal", "he_uniform": "HeUniform", "he_normal": "HeNormal",
    "lecun_uniform": "LecunUniform", "lecun_normal": "LecunNormal", "orthogonal": "Orthogonal",
}  # fmt: skip
_OLDER_NAMES = {
    "zero": "Zeros", "one": "Ones", "uniform": "RandomUniform", "normal": "RandomNormal",
    "IdentityInitializer": "Identity", "OrthogonalInitializer": "Orthogonal",
    "STFTInitializer": "STFT",
}  # fmt: skip
_BY_CLASS_NAME = {cls.__name__: cls for cls in _CLASSES}
MODULE_OBJECTS = {
    **_BY_CLASS_NAME,
    **{name: _BY_CLASS_NAME[target] for name, target in {**_SNAKE_CASE, **_OLDER_NAMES}.items()},
}


def _from_values(values):
    """An initializer returning ``values`` (a tensor or NumPy array) for a matching shape."""
    expected = tuple(values.shape)

    def initialize(shape, dtype=None):
        if tuple(shape) != expected:
            raise ValueError(
                f"An initializer given as a tensor needs shape={expected}; "
                f"received shape={tuple(shape)}."
            )
        return ops.cast(values, dtype or backend.floatx())

    return initialize


def get(identifier):
    """None, an Initializer, a name (``"glorot_uniform"``), a config dict, a class, a
    callable ``(shape, dtype=None)`` or a tensor of the wanted shape → an initializer."""
    if identifier is None:
        return None
    if isinstance(identifier, Initializer):
        return identifier
    if isinstance(identifier, str):
        found = deserialize_keras_object(
            identifier, module_objects=MODULE_OBJECTS, kind="initializer"
        )
        return found() if isinstance(found, type) else found
    if isinstance(identifier, dict):
        return deserialize(identifier)
    if isinstance(identifier, type) and issubclass(identifier, Initializer):
        return identifier()
    if callable(identifier):
        return identifier
    if ops.is_tensor(identifier) or hasattr(identifier, "__array__"):
        return _from_values(identifier)
    raise ValueError(
        "Could not interpret initializer identifier: expected a name, a config dict, an "
        f"Initializer, a callable or a tensor; received {identifier!r}."
    )


def serialize(initializer):
    """The initializer's Keras config dict (``deserialize`` rebuilds it)."""
    return serialize_keras_object(initializer)


def deserialize(config, custom_objects=None):
    """The initializer a config dict (or name) describes, found through the safe loader:
    built-in, registered or in ``custom_objects``.
    """
    return deserialize_keras_object(
        config, module_objects=MODULE_OBJECTS, custom_objects=custom_objects, kind="initializer"
    )
