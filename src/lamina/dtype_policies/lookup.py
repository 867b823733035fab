"""``get`` / ``serialize`` / ``deserialize`` for dtype policies, as ``keras.dtype_policies``."""

from __future__ import annotations

from lamina import backend
from lamina.dtype_policies.dtype_policy import DTypePolicy, FloatDTypePolicy, dtype_policy
from lamina.dtype_policies.dtype_policy_map import DTypePolicyMap
from lamina.dtype_policies.quantized import (
    QUANTIZATION_MODES,
    AWQDTypePolicy,
    GPTQDTypePolicy,
    Int4DTypePolicy,
    QuantizedDTypePolicy,
    QuantizedFloat8DTypePolicy,
    quantized_policy_from_name,
)
from lamina.serialization import deserialize_keras_object

MODULE_OBJECTS = {
    cls.__name__: cls
    for cls in (
        DTypePolicy, FloatDTypePolicy, DTypePolicyMap, QuantizedDTypePolicy,
        QuantizedFloat8DTypePolicy, Int4DTypePolicy, GPTQDTypePolicy, AWQDTypePolicy,
    )
}  # fmt: skip


def serialize(policy) -> dict:
    """The ``{module, class_name, config, registered_name}`` dict Keras 3 writes for a policy
    (module ``"keras"`` for the plain policies, ``"keras.dtype_policies"`` for the others)."""
    if not isinstance(policy, DTypePolicy):
        raise TypeError(
            f"serialize expects a DTypePolicy; received {policy!r} of type {type(policy).__name__}."
        )
    plain = type(policy) in (DTypePolicy, FloatDTypePolicy)
    return {
        "module": "keras" if plain else "keras.dtype_policies",
        "class_name": type(policy).__name__,
        "config": policy.get_config(),
        "registered_name": None,
    }


def deserialize(config, custom_objects=None) -> DTypePolicy:
    """The policy a ``serialize`` dict describes (classes resolved through the allow-list)."""
    return deserialize_keras_object(
        config, module_objects=MODULE_OBJECTS, custom_objects=custom_objects, kind="dtype policy"
    )


def get(identifier) -> DTypePolicy:
    """A policy from None (the global one), a name, a config dict, a policy or a dtype.

    >>> get("mixed_bfloat16").compute_dtype
    'bfloat16'
    """
    if identifier is None:
        return dtype_policy()
    if isinstance(identifier, DTypePolicy):
        return identifier
    if isinstance(identifier, dict):
        return deserialize(identifier)
    if isinstance(identifier, str):
        if identifier.startswith(QUANTIZATION_MODES):
            return quantized_policy_from_name(identifier)
        return DTypePolicy(identifier)
    try:
        return DTypePolicy(backend.standardize_dtype(identifier))
    except ValueError:
        raise ValueError(
            "Cannot interpret `dtype` argument: expected a dtype policy name (such as "
            "'mixed_bfloat16'), a DTypePolicy or a dtype. Received: "
            f"dtype={identifier!r}"
        ) from None


__all__ = ["MODULE_OBJECTS", "deserialize", "get", "serialize"]
