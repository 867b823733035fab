"""Config dictionaries for every object, and the registry that maps names back to classes.

This sits just above the ops floor so that layers, losses, optimizers and the saving floor
all share one mechanism. Classes are found by the Keras schema's ``module`` field
(``keras.layers`` and ``lamina.layers`` both name ``lamina.layers``) or by the registry of
the user's ``@register_keras_serializable`` objects; nothing else can be instantiated.
"""

from lamina.serialization.objects import (
    deserialize_keras_object,
    serialize_keras_object,
)
from lamina.serialization.registration import (
    CustomObjectScope,
    custom_object_scope,
    get_custom_objects,
    get_registered_name,
    get_registered_object,
    register_keras_serializable,
)

__all__ = [
    "CustomObjectScope",
    "custom_object_scope",
    "deserialize_keras_object",
    "get_custom_objects",
    "get_registered_name",
    "get_registered_object",
    "register_keras_serializable",
    "serialize_keras_object",
]
