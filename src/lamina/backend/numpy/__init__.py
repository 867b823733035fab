"""The NumPy engine: inference only (predict, evaluate), on the CPU, with no other library.

It imports only NumPy (and SciPy's ``erf`` when SciPy happens to be installed).
"""

import types as _types

from lamina.backend.numpy import (
    core,
    core_extra,
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
from lamina.backend.numpy.core import Variable
from lamina.backend.numpy.layer import LayerBase

__all__ = [
    "LayerBase",
    "Variable",
    "core",
    "core_extra",
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
Variable._engine = _types.SimpleNamespace(core=core, numpy=numpy)  # type: ignore[assignment]
