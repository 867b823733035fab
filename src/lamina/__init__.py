"""Lamina: the Keras 3 API over interchangeable tensor engines. ``import lamina as keras``."""

from lamina import (
    activations,
    backend,
    constraints,
    initializers,
    layers,
    ops,
    regularizers,
)
from lamina.layers import Input, Layer

__version__ = "0.1.0"

__all__ = [
    "Input",
    "Layer",
    "activations",
    "backend",
    "constraints",
    "initializers",
    "layers",
    "ops",
    "regularizers",
]
