"""The JAX engine: the only place (with the other engine folders) that imports jax."""

from lamina.backend.jax import (
    core,
    image,
    linalg,
    math,
    nn,
    numpy,
    numpy_extra,
    random,
    trainer,
)
from lamina.backend.jax.core import StatelessScope, Variable
from lamina.backend.jax.layer import LayerBase

__all__ = [
    "LayerBase",
    "StatelessScope",
    "Variable",
    "core",
    "image",
    "linalg",
    "math",
    "nn",
    "numpy",
    "numpy_extra",
    "random",
    "trainer",
]

# Variables do their arithmetic with this engine's functions.
import types as _types

Variable._engine = _types.SimpleNamespace(core=core, numpy=numpy)  # type: ignore[assignment]
