"""The PyTorch engine: the only place (with the other engine folders) that imports torch."""

from lamina.backend.torch import (
    attention_kernels,
    core,
    core_extra,
    distribution,
    export,
    image,
    interop,
    linalg,
    math,
    metric_kernels,
    nn,
    nn_kernels,
    numpy,
    numpy_extra,
    optimizer_kernels,
    random,
    rnn,
    trainer,
)
from lamina.backend.torch.core import Variable
from lamina.backend.torch.layer import LayerBase

__all__ = [
    "LayerBase",
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
    "metric_kernels",
    "nn",
    "nn_kernels",
    "numpy",
    "numpy_extra",
    "optimizer_kernels",
    "random",
    "rnn",
    "trainer",
]

# Variables do their arithmetic with this engine's functions.
import types as _types

Variable._engine = _types.SimpleNamespace(  # type: ignore[assignment]
    core=core, numpy=numpy, distribution=distribution
)
