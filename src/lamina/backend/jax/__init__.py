"""The JAX engine: the only place (with the other engine folders) that imports jax."""

from lamina.backend.jax import (
    attention_kernels,
    core,
    core_extra,
    distribution,
    export,
    image,
    interop,
    linalg,
    math,
    nn,
    numpy,
    numpy_extra,
    random,
    rnn,
    trainer,
)
from lamina.backend.jax.core import StatelessScope, Variable
from lamina.backend.jax.layer import LayerBase

__all__ = [
    "LayerBase",
    "StatelessScope",
    "Variable",
    "attention_kernels",
    "core",
    "core_extra",
    "distribution",
    "export",
    "image",
    "interop",
    "linalg",
    "math",
    "nn",
    "numpy",
    "numpy_extra",
    "random",
    "rnn",
    "trainer",
]

# Variables do their arithmetic with this engine's functions.
import types as _types

Variable._engine = _types.SimpleNamespace(  # type: ignore[assignment]
    core=core, numpy=numpy, distribution=distribution
)
