"""Resolve activations by name, as ``keras.activations.get``."""

from __future__ import annotations

from lamina.activations import activations as _functions
from lamina.serialization import (
    deserialize_keras_object,
    get_registered_object,
    serialize_keras_object,
)
from lamina.serialization.lookup import unknown_name_error

ALL_ACTIVATIONS = {
    name: getattr(_functions, name)
    for name in (
        "relu", "relu6", "sigmoid", "tanh", "softmax", "log_softmax", "softplus", "softsign",
        "silu", "swish", "gelu", "elu", "selu", "leaky_relu", "hard_sigmoid", "hard_silu",
        "exponential", "mish", "linear", "celu", "glu", "hard_shrink", "hard_tanh",
        "log_sigmoid", "soft_shrink", "sparse_plus", "sparse_sigmoid", "sparsemax", "squareplus",
        "tanh_shrink", "threshold",
    )
}  # fmt: skip
ALL_ACTIVATIONS["hard_swish"] = _functions.hard_silu


def get(identifier):
    """None → linear; a name → the function; a callable is returned as it is."""
    if identifier is None:
        return _functions.linear
    if isinstance(identifier, str):
        function = ALL_ACTIVATIONS.get(identifier)
        if function is None:
            # A registered function, or one in a custom_object_scope (load_model's too).
            function = get_registered_object(identifier)
        if function is None:
            raise unknown_name_error("activation", identifier, ALL_ACTIVATIONS)
        return function
    if isinstance(identifier, dict):
        return deserialize(identifier)
    if callable(identifier):
        return identifier
    raise ValueError(
        f"Could not interpret activation identifier: expected a name, a callable or None; "
        f"received {identifier!r}."
    )


def serialize(activation):
    """The name of a built-in activation (``"relu"``), else its Keras config dict."""
    if activation in ALL_ACTIVATIONS.values():
        return activation.__name__
    return serialize_keras_object(activation)


def deserialize(config, custom_objects=None):
    """The activation function a name or config dict describes (what ``serialize`` gives),
    found through the safe loader: built-in, registered or in ``custom_objects``.
    """
    return deserialize_keras_object(
        config, module_objects=ALL_ACTIVATIONS, custom_objects=custom_objects, kind="activation"
    )
