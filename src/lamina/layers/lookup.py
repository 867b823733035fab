"""``layers.serialize`` / ``layers.deserialize``: a layer to its config and back, as Keras."""

from __future__ import annotations

from lamina.serialization import deserialize_keras_object, serialize_keras_object


def serialize(layer) -> dict:
    """The layer's ``{module, class_name, config, registered_name}`` dict."""
    return serialize_keras_object(layer)


def deserialize(config, custom_objects=None):
    """Rebuilds a layer from ``serialize``'s dict; classes are found only among Lamina's
    layers and the user's registered or given ``custom_objects``."""
    import lamina.layers as layers_package  # the package's own names; it imports this module

    module_objects = {
        name: found
        for name in layers_package.__all__
        if isinstance(found := getattr(layers_package, name), type)
    }
    return deserialize_keras_object(
        config, module_objects=module_objects, custom_objects=custom_objects, kind="layer"
    )
