"""The TensorFlow engine: ``tf`` / ``tf.experimental.numpy`` / ``tf.nn`` behind the engine
contract (``lamina.backend.contract``); training steps run as ``tf.function``.
"""

import os as _os
import types as _types

# TensorFlow's C++ runtime logs informational lines (oneDNN, CPU features) to stderr on
# import; keep warnings and errors. A value the user set is left alone.
_os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "1")

from lamina.backend.tensorflow import (
    core,
    core_extra,
    export,
    image,
    interop,
    linalg,
    math,
    nn,
    nn_kernels,
    numpy,
    numpy_extra,
    random,
    rnn,
    trainer,
)
from lamina.backend.tensorflow.core import Variable
from lamina.backend.tensorflow.layer import LayerBase

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
    "nn_kernels",
    "numpy",
    "numpy_extra",
    "random",
    "rnn",
    "trainer",
]

# Variables do their arithmetic with this engine's functions.
Variable._engine = _types.SimpleNamespace(core=core, numpy=numpy)  # type: ignore[assignment]
