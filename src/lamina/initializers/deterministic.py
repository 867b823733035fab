"""Initializers whose values do not depend on a seed: zeros, ones, a constant, the identity."""

from __future__ import annotations

from lamina import ops
from lamina.initializers.initializer import Initializer


class Zeros(Initializer):
    """Fills the tensor with zeros (``"zeros"``; the default for biases)."""

    def __call__(self, shape, dtype=None):
        return ops.zeros(shape, dtype=dtype)


class Ones(Initializer):
    """Fills the tensor with ones (``"ones"``)."""

    def __call__(self, shape, dtype=None):
        return ops.ones(shape, dtype=dtype)


class Constant(Initializer):
    """Fill with ``value`` (a scalar)."""

    def __init__(self, value=0.0):
        self.value = value

    def __call__(self, shape, dtype=None):
        return ops.full(shape, self.value, dtype=dtype)

    def get_config(self) -> dict:
        return {"value": self.value}


class Identity(Initializer):
    """``gain`` times the identity matrix (2-D shapes only)."""

    def __init__(self, gain=1.0):
        self.gain = gain

    def __call__(self, shape, dtype=None):
        if len(shape) != 2:
            raise ValueError(
                f"Identity initializer needs a 2-D shape; received shape={tuple(shape)}."
            )
        return ops.multiply(ops.eye(shape[0], shape[1], dtype=dtype), self.gain)

    def get_config(self) -> dict:
        return {"gain": self.gain}
