"""Floor 6: saving and loading models and weights."""

from lamina.saving.errors import (
    SavedFileError as SavedFileError,
    UnsafeFileError as UnsafeFileError,
)
from lamina.saving.file_editor import KerasFileEditor as KerasFileEditor
from lamina.saving.file_inspector import inspect_file as inspect_file
from lamina.saving.keras_archive import load_model as load_model, save_model as save_model
from lamina.saving.weights import load_weights as load_weights, save_weights as save_weights
from lamina.serialization import (
    CustomObjectScope as CustomObjectScope,
    custom_object_scope as custom_object_scope,
    deserialize_keras_object as deserialize_keras_object,
    get_custom_objects as get_custom_objects,
    get_registered_name as get_registered_name,
    get_registered_object as get_registered_object,
    register_keras_serializable as register_keras_serializable,
    serialize_keras_object as serialize_keras_object,
)

__all__ = [
    "CustomObjectScope",
    "KerasFileEditor",
    "SavedFileError",
    "UnsafeFileError",
    "custom_object_scope",
    "deserialize_keras_object",
    "get_custom_objects",
    "get_registered_name",
    "get_registered_object",
    "inspect_file",
    "load_model",
    "load_weights",
    "register_keras_serializable",
    "save_model",
    "save_weights",
    "serialize_keras_object",
]
