"""Weight regularizers: a penalty added to the loss for each regularized variable."""

from __future__ import annotations

import math

from lamina import ops
from lamina.serialization import deserialize_keras_object, serialize_keras_object


def _check_factor(name, value, default=None):
    """A finite, non-negative float; None means ``default`` where Keras allows it."""
    if value is None and default is not None:
        return default
    if not isinstance(value, (int, float)) or not math.isfinite(value) or value < 0:
        raise ValueError(f"{name} must be a finite, non-negative float; received {name}={value!r}.")
    return float(value)


class Regularizer:
    """Base class of weight regularizers: ``regularizer(x)`` returns a scalar penalty.

    A layer adds its weights' penalties to its ``losses`` (``Dense(...,
    kernel_regularizer=keras.regularizers.L2(1e-4))``), and training minimizes them with the
    loss. A subclass implements ``__call__`` and, when it has arguments, ``get_config``.
    """

    def __call__(self, x):
        return 0.0

    def get_config(self) -> dict:
        return {}

    @classmethod
    def from_config(cls, config):
        return cls(**config)


class L1(Regularizer):
    """l1 * sum(|x|)."""

    def __init__(self, l1=0.01):
        self.l1 = _check_factor("l1", l1, default=0.01)

    def __call__(self, x):
        return self.l1 * ops.sum(ops.absolute(x))

    def get_config(self) -> dict:
        return {"l1": self.l1}


class L2(Regularizer):
    """l2 * sum(x ** 2)."""

    def __init__(self, l2=0.01):
        self.l2 = _check_factor("l2", l2, default=0.01)

    def __call__(self, x):
        return self.l2 * ops.sum(ops.square(x))

    def get_config(self) -> dict:
        return {"l2": self.l2}


class L1L2(Regularizer):
    """l1 * sum(|x|) + l2 * sum(x ** 2)."""

    def __init__(self, l1=0.0, l2=0.0):
        self.l1 = _check_factor("l1", l1, default=0.0)
        self.l2 = _check_factor("l2", l2, default=0.0)

    def __call__(self, x):
        total = 0.0
        if self.l1:
            total = total + self.l1 * ops.sum(ops.absolute(x))
        if self.l2:
            total = total + self.l2 * ops.sum(ops.square(x))
        return total

    def get_config(self) -> dict:
        return {"l1": self.l1, "l2": self.l2}


class OrthogonalRegularizer(Regularizer):
    """factor * mean |off-diagonal of normalized rows (or columns) Gram matrix|."""

    def __init__(self, factor=0.01, mode="rows"):
        if mode not in ("rows", "columns"):
            raise ValueError(f"mode must be 'rows' or 'columns'; received {mode!r}.")
        self.factor, self.mode = _check_factor("factor", factor), mode

    def __call__(self, x):
        x = ops.convert_to_tensor(x)
        if len(x.shape) != 2:
            raise ValueError(
                "OrthogonalRegularizer needs a 2-D weight (for example a Dense kernel); "
                f"received shape={tuple(x.shape)}."
            )
        if self.mode == "columns":
            x = ops.transpose(x)
        x = x / ops.maximum(ops.norm(x, axis=1, keepdims=True), 1e-12)
        product = ops.matmul(x, ops.transpose(x))
        size = x.shape[0]
        off_diagonal = product * (1.0 - ops.eye(size))
        return self.factor * ops.sum(ops.absolute(off_diagonal)) / (size * (size - 1))

    def get_config(self) -> dict:
        return {"factor": self.factor, "mode": self.mode}


l1 = L1
l2 = L2
l1_l2 = L1L2
orthogonal_regularizer = OrthogonalRegularizer

MODULE_OBJECTS = {
    "Regularizer": Regularizer, "L1": L1, "L2": L2, "L1L2": L1L2,
    "OrthogonalRegularizer": OrthogonalRegularizer,
    "regularizer": Regularizer, "l1": L1, "l2": L2, "l1_l2": L1L2,
    "orthogonal_regularizer": OrthogonalRegularizer,
}  # fmt: skip


def serialize(regularizer):
    """The regularizer's Keras config dict (``deserialize`` rebuilds it)."""
    return serialize_keras_object(regularizer)


def deserialize(config, custom_objects=None):
    """The regularizer a config dict (or name) describes, found through the safe loader:
    built-in, registered or in ``custom_objects``.
    """
    return deserialize_keras_object(
        config, module_objects=MODULE_OBJECTS, custom_objects=custom_objects, kind="regularizer"
    )


def get(identifier):
    """A regularizer from None (None), a name (``"l2"``), a config dict, or a callable
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
    raise ValueError(f"Could not interpret regularizer identifier: {identifier!r}")


__all__ = [
    "L1",
    "L1L2",
    "L2",
    "OrthogonalRegularizer",
    "Regularizer",
    "deserialize",
    "get",
    "l1",
    "l1_l2",
    "l2",
    "orthogonal_regularizer",
    "serialize",
]
