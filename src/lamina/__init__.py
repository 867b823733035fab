"""Lamina: the Keras 3 API over interchangeable tensor engines. ``import lamina as keras``."""

from lamina import (
    activations,
    backend,
    callbacks,
    config,
    constraints,
    datasets,
    initializers,
    layers,
    losses,
    metrics,
    models,
    ops,
    optimizers,
    random,
    regularizers,
    saving,
    utils,
)
from lamina.backend import SeedGenerator, Variable
from lamina.layers import Input, InputSpec, Layer
from lamina.models import Model, Sequential
from lamina.ops.operation import Operation
from lamina.trainers.data_adapters.py_dataset import PyDataset

__version__ = "0.1.0"


def version() -> str:
    return __version__


__all__ = [
    "Input",
    "InputSpec",
    "Layer",
    "Model",
    "Operation",
    "PyDataset",
    "SeedGenerator",
    "Variable",
    "Sequential",
    "__version__",
    "activations",
    "backend",
    "callbacks",
    "config",
    "constraints",
    "datasets",
    "initializers",
    "layers",
    "losses",
    "metrics",
    "models",
    "ops",
    "optimizers",
    "random",
    "regularizers",
    "saving",
    "utils",
    "version",
]
