"""Lamina: the Keras 3 API over interchangeable tensor engines. ``import lamina as keras``."""

from lamina import (
    activations,
    applications,
    backend,
    callbacks,
    config,
    constraints,
    datasets,
    distribution,
    dtype_policies,
    export,
    initializers,
    layers,
    losses,
    metrics,
    mixed_precision,
    models,
    ops,
    optimizers,
    preprocessing,
    quantizers,
    random,
    regularizers,
    saving,
    tree,
    utils,
    visualization,
    wrappers,
)
from lamina.backend import KerasTensor, SeedGenerator, Variable, device, name_scope
from lamina.backend.common.global_state import SymbolicScope
from lamina.backend.common.remat import RematScope
from lamina.backend.common.stateless_scope import StatelessScope
from lamina.dtype_policies import DTypePolicy, FloatDTypePolicy
from lamina.initializers import Initializer
from lamina.layers import Input, InputSpec, Layer
from lamina.losses import Loss
from lamina.metrics import Metric
from lamina.models import Model, Sequential
from lamina.ops.core_extra import remat
from lamina.ops.function import Function
from lamina.ops.operation import Operation
from lamina.optimizers import Optimizer
from lamina.quantizers import Quantizer
from lamina.regularizers import Regularizer
from lamina.trainers.data_adapters.py_dataset import PyDataset

__version__ = "0.1.0"


def version() -> str:
    """Lamina's version string."""
    return __version__


__all__ = [
    "DTypePolicy",
    "Function",
    "FloatDTypePolicy",
    "Initializer",
    "Input",
    "InputSpec",
    "KerasTensor",
    "Layer",
    "Loss",
    "Metric",
    "Model",
    "Operation",
    "Optimizer",
    "PyDataset",
    "Quantizer",
    "Regularizer",
    "RematScope",
    "SeedGenerator",
    "Variable",
    "Sequential",
    "StatelessScope",
    "SymbolicScope",
    "__version__",
    "activations",
    "applications",
    "backend",
    "callbacks",
    "config",
    "constraints",
    "datasets",
    "device",
    "distribution",
    "dtype_policies",
    "export",
    "initializers",
    "layers",
    "losses",
    "metrics",
    "mixed_precision",
    "models",
    "name_scope",
    "ops",
    "optimizers",
    "preprocessing",
    "quantizers",
    "random",
    "regularizers",
    "remat",
    "saving",
    "tree",
    "utils",
    "visualization",
    "wrappers",
    "version",
]
