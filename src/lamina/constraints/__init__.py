"""Weight constraints: applied to a variable after each optimizer update."""

from __future__ import annotations

from lamina import backend, ops
from lamina.serialization import deserialize_keras_object, serialize_keras_object


class Constraint:
    """Base class of weight constraints: ``constraint(w)`` returns the projected weight.

    The optimizer applies a variable's constraint after each update (``Dense(...,
    kernel_constraint=...)``). A subclass implements ``__call__`` and, when it has
    arguments, ``get_config``.
    """

    def __call__(self, w):
        return w

    def get_config(self) -> dict:
        return {}

    @classmethod
    def from_config(cls, config):
        return cls(**config)


class NonNeg(Constraint):
    """Clamp weights at zero from below."""

    def __call__(self, w):
        return ops.relu(w)


class MaxNorm(Constraint):
    """Rescale slices along ``axis`` whose L2 norm exceeds ``max_value``."""

    def __init__(self, max_value=2, axis=0):
        self.max_value, self.axis = max_value, axis

    def __call__(self, w):
        w = ops.convert_to_tensor(w)  # a NumPy array would hijack the arithmetic below
        norms = ops.sqrt(ops.sum(ops.square(w), axis=self.axis, keepdims=True))
        desired = ops.clip(norms, 0, self.max_value)
        return w * (desired / (backend.epsilon() + norms))

    def get_config(self) -> dict:
        return {"max_value": self.max_value, "axis": self.axis}


class UnitNorm(Constraint):
    """Rescale slices along ``axis`` to unit L2 norm."""

    def __init__(self, axis=0):
        self.axis = axis

    def __call__(self, w):
        w = ops.convert_to_tensor(w)  # a NumPy array would hijack the arithmetic below
        norms = ops.sqrt(ops.sum(ops.square(w), axis=self.axis, keepdims=True))
        return w / (backend.epsilon() + norms)

    def get_config(self) -> dict:
        return {"axis": self.axis}


class MinMaxNorm(Constraint):
    """Keep slice norms between ``min_value`` and ``max_value`` (blended by ``rate``)."""

    def __init__(self, min_value=0.0, max_value=1.0, rate=1.0, axis=0):
        self.min_value, self.max_value, self.rate, self.axis = min_value, max_value, rate, axis

    def __call__(self, w):
        w = ops.convert_to_tensor(w)  # a NumPy array would hijack the arithmetic below
        norms = ops.sqrt(ops.sum(ops.square(w), axis=self.axis, keepdims=True))
        desired = (
            self.rate * ops.clip(norms, self.min_value, self.max_value) + (1 - self.rate) * norms
        )
        return w * (desired / (backend.epsilon() + norms))

    def get_config(self) -> dict:
        return {
            "min_value": self.min_value,
            "max_value": self.max_value,
            "rate": self.rate,
            "axis": self.axis,
        }


# Keras exports these spellings as the very same classes.
max_norm = MaxNorm
min_max_norm = MinMaxNorm
non_neg = NonNeg
unit_norm = UnitNorm

# Keras's names: each class name and its snake_case form.
MODULE_OBJECTS = {
    "Constraint": Constraint, "NonNeg": NonNeg, "MaxNorm": MaxNorm, "UnitNorm": UnitNorm,
    "MinMaxNorm": MinMaxNorm, "constraint": Constraint, "non_neg": NonNeg,
    "max_norm": MaxNorm, "unit_norm": UnitNorm, "min_max_norm": MinMaxNorm,
}  # fmt: skip


def serialize(constraint):
    """The constraint's Keras config dict (``deserialize`` rebuilds it)."""
    return serialize_keras_object(constraint)


def deserialize(config, custom_objects=None):
    """The constraint a config dict (or name) describes, found through the safe loader:
    built-in, registered or in ``custom_objects``.
    """
    return deserialize_keras_object(
        config, module_objects=MODULE_OBJECTS, custom_objects=custom_objects, kind="constraint"
    )


def get(identifier):
    """A constraint from None (None), a name (``"non_neg"``), a config dict, or a callable
    (returned as it is).
    """
    if identifier is None:
        return None
    if isinstance(identifier, dict):
        return deserialize(identifier)
    if isinstance(identifier, str):
        found = deserialize(identifier)
        return found() if isinstance(found, type) else found
    if callable(identifier):
        return identifier
    raise ValueError(f"Could not interpret constraint identifier: {identifier!r}")


__all__ = [
    "Constraint",
    "MaxNorm",
    "MinMaxNorm",
    "NonNeg",
    "UnitNorm",
    "deserialize",
    "get",
    "max_norm",
    "min_max_norm",
    "non_neg",
    "serialize",
    "unit_norm",
]
