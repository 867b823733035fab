"""Resolve initializers by name or config, as ``keras.initializers.get``."""

from __future__ import annotations

from lamina.initializers import constant, random
from lamina.initializers.initializer import Initializer
from lamina.serialization import deserialize_keras_object, serialize_keras_object

_CLASSES = {
    cls.__name__: cls
    for cls in (
        constant.Zeros, constant.Ones, constant.Constant, constant.Identity,
        random.RandomNormal, random.RandomUniform, random.TruncatedNormal,
        random.VarianceScaling, random.GlorotUniform, random.GlorotNormal,
        random.HeUniform, random.HeNormal, random.LecunUniform, random.LecunNormal,
        random.Orthogonal,
    )
}  # fmt: skip
_ALIASES = {
    "zeros": "Zeros", "ones": "Ones", "constant": "Constant", "identity": "Identity",
    "random_normal": "RandomNormal", "random_uniform": "RandomUniform",
    "truncated_normal": "TruncatedNormal", "variance_scaling": "VarianceScaling",
    "glorot_uniform": "GlorotUniform", "glorot_normal": "GlorotNormal",
    "he_uniform": "HeUniform", "he_normal": "HeNormal", "lecun_uniform": "LecunUniform",
    "lecun_normal": "LecunNormal", "orthogonal": "Orthogonal",
    "zero": "Zeros", "one": "Ones", "uniform": "RandomUniform", "normal": "RandomNormal",
}  # fmt: skip
MODULE_OBJECTS = {**_CLASSES, **{alias: _CLASSES[name] for alias, name in _ALIASES.items()}}


def get(identifier):
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
    if callable(identifier):
        return identifier
    raise ValueError(f"Could not interpret initializer identifier: {identifier!r}")


def serialize(initializer):
    return serialize_keras_object(initializer)


def deserialize(config, custom_objects=None):
    return deserialize_keras_object(
        config, module_objects=MODULE_OBJECTS, custom_objects=custom_objects, kind="initializer"
    )
