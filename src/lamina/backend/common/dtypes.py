"""Dtype names and the promotion rule shared by every engine."""

from __future__ import annotations

import numpy as np

from lamina.backend import config

ALLOWED_DTYPES = (
    "float16", "bfloat16", "float32", "float64",
    "uint8", "uint16", "uint32", "uint64",
    "int8", "int16", "int32", "int64",
    "bool", "complex64", "complex128", "string",
)  # fmt: skip
FLOAT_DTYPES = ("float16", "bfloat16", "float32", "float64")
INT_DTYPES = ("uint8", "uint16", "uint32", "uint64", "int8", "int16", "int32", "int64")

_ALIASES = {
    "float": "float32",
    "double": "float64",
    "half": "float16",
    "int": "int64",
    "long": "int64",
    "bool_": "bool",
    "str": "string",
}


def standardize_dtype(dtype) -> str:
    """Return the canonical name (``"float32"``) of a dtype given in any engine's spelling."""
    if dtype is None:
        return config.floatx()
    if dtype is float:
        return config.floatx()
    if dtype is int:
        return "int64"
    if dtype is bool:
        return "bool"
    if dtype is str:
        return "string"
    if hasattr(dtype, "name") and isinstance(dtype.name, str):
        name = dtype.name  # numpy and jax dtypes
    elif isinstance(dtype, type) and hasattr(dtype, "__name__"):
        name = dtype.__name__  # scalar types: np.float64, jnp.int32
    else:
        name = str(dtype)
    name = name.replace("torch.", "")
    name = _ALIASES.get(name, name)
    if name not in ALLOWED_DTYPES:
        raise ValueError(f"Invalid dtype: expected one of {ALLOWED_DTYPES}; received {dtype!r}.")
    return name


def is_float_dtype(dtype) -> bool:
    return standardize_dtype(dtype) in FLOAT_DTYPES


def is_int_dtype(dtype) -> bool:
    return standardize_dtype(dtype) in INT_DTYPES


def result_type(*dtypes) -> str:
    """The dtype two or more tensors promote to, as NumPy's rule with bfloat16 added.

    Python scalars are weak: ``python float`` with an int tensor gives floatx; with a float
    tensor it keeps the tensor's dtype.
    """
    names = []
    weak_float = False
    weak_int = False
    for dtype in dtypes:
        if dtype is float:
            weak_float = True
        elif dtype is int:
            weak_int = True
        else:
            names.append(standardize_dtype(dtype))
    if not names:
        if weak_float:
            return config.floatx()
        return "int32" if weak_int else config.floatx()
    result = names[0]
    for name in names[1:]:
        result = _promote_pair(result, name)
    if weak_float and result not in FLOAT_DTYPES:
        return config.floatx()
    if weak_int and result == "bool":
        return "int32"  # a bool tensor with a Python int counts in int32, as Keras
    return result


def _promote_pair(a: str, b: str) -> str:
    if a == b:
        return a
    if "bfloat16" in (a, b):
        other = b if a == "bfloat16" else a
        if other in ("float32", "float64"):
            return other
        return "bfloat16" if other != "float16" else "float32"
    if a in FLOAT_DTYPES and b not in FLOAT_DTYPES:
        return a
    if b in FLOAT_DTYPES and a not in FLOAT_DTYPES:
        return b
    return np.result_type(np.dtype(a), np.dtype(b)).name
