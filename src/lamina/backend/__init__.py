"""Floor 1: the active engine's uniform function set, plus the engine-independent pieces.

``engine`` is the active engine package (``lamina.backend.torch`` …); every floor above
talks to it through ``engine.core``, ``engine.numpy``, ``engine.nn``, ``engine.math``,
``engine.linalg``, ``engine.random``, ``engine.image`` and ``engine.trainer``, never
importing an engine itself.
"""

import importlib as _importlib

from lamina.backend.common import global_state, host_strings as _host_strings
from lamina.backend.common.dtypes import result_type, standardize_dtype
from lamina.backend.common.global_state import clear_session, get_uid, name_scope
from lamina.backend.common.host_strings import is_string_array
from lamina.backend.common.keras_tensor import KerasTensor, any_symbolic_tensors, is_keras_tensor
from lamina.backend.common.masking import get_keras_mask, set_keras_mask
from lamina.backend.common.seed_generator import SeedGenerator
from lamina.backend.common.variables import KerasVariable, standardize_shape
from lamina.backend.config import (
    backend,
    epsilon,
    floatx,
    image_data_format,
    set_epsilon,
    set_floatx,
    set_image_data_format,
    standardize_data_format,
)

try:
    engine = _importlib.import_module(f"lamina.backend.{backend()}")
except ModuleNotFoundError as _error:
    if _error.name == f"lamina.backend.{backend()}":
        raise ImportError(
            f"The {backend()!r} engine is not part of this Lamina yet; set LAMINA_BACKEND "
            "to 'torch' (or unset it)."
        ) from None
    if _error.name == backend():
        raise ImportError(
            f"LAMINA_BACKEND={backend()!r} needs the {backend()} package: "
            f"pip install 'lamina[{backend()}]'."
        ) from None
    raise

Variable = engine.Variable
LayerBase = engine.LayerBase
convert_to_tensor = engine.core.convert_to_tensor
convert_to_numpy = engine.core.convert_to_numpy
is_tensor = engine.core.is_tensor
cast = engine.core.cast
shape = engine.core.shape
device = engine.core.device_scope
compute_output_spec = engine.core.compute_output_spec


def convert_data(x):
    """A model input as the engine takes it: a tensor, or a NumPy string array left on the
    host for the text layers (see ``common/host_strings``)."""
    return _host_strings.convert_data(x, convert_to_tensor)


def is_float_dtype(dtype) -> bool:
    """Whether ``dtype`` is a floating type (``float16``, ``bfloat16``, ``float32``…)."""
    return standardize_dtype(dtype) in ("float16", "bfloat16", "float32", "float64")


def is_int_dtype(dtype) -> bool:
    """Whether ``dtype`` is a signed or unsigned integer type (``bool`` is not)."""
    return standardize_dtype(dtype).startswith(("int", "uint"))


__all__ = [
    "KerasTensor",
    "KerasVariable",
    "LayerBase",
    "SeedGenerator",
    "Variable",
    "any_symbolic_tensors",
    "backend",
    "cast",
    "clear_session",
    "compute_output_spec",
    "convert_data",
    "convert_to_numpy",
    "convert_to_tensor",
    "device",
    "engine",
    "epsilon",
    "floatx",
    "get_keras_mask",
    "get_uid",
    "global_state",
    "image_data_format",
    "is_float_dtype",
    "is_int_dtype",
    "is_keras_tensor",
    "is_string_array",
    "is_tensor",
    "name_scope",
    "result_type",
    "set_epsilon",
    "set_floatx",
    "set_image_data_format",
    "set_keras_mask",
    "shape",
    "standardize_data_format",
    "standardize_dtype",
    "standardize_shape",
]
