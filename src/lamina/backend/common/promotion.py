"""The dtype of an operation on two operands, decided here once for every engine.

Engines describe each operand with :func:`operand_key` and cast to :func:`binary_dtype`;
none of them applies its own promotion rules. The rule is the torch engine's, which is the
reference (Keras on torch gives the same):

- two tensors of the same kind (both with dimensions, or both 0-d) promote by
  :func:`~lamina.backend.common.dtypes.result_type`;
- a Python scalar, and a 0-d tensor against a tensor with dimensions, is *weak*: it keeps
  the other operand's dtype unless its category (bool < integer < float < complex) is
  higher. Then a 0-d tensor gives its own dtype; a Python ``int`` with a bool tensor gives
  int32 and a Python ``float`` with a bool or integer tensor gives floatx (as Keras);
- two Python scalars give bool, int32 or floatx.

So ``uint8_tensor + True`` is uint8, ``bool_tensor + 2`` is int32, ``int8_tensor + 2.5``
is float32, ``float16_tensor * float64_0d_tensor`` is float16, and
``int8_tensor * float64_0d_tensor`` is float64, on every engine.
"""

from __future__ import annotations

import functools

from lamina.backend import config
from lamina.backend.common.dtypes import FLOAT_DTYPES, result_type

# A key names one operand: a dtype name for a tensor with dimensions, "0d:<name>" for a
# 0-d tensor, "python bool" / "python int" / "python float" for a Python scalar.
_SCALAR_DTYPES = {"python bool": "bool", "python int": "int32", "python float": None}
_TENSOR, _ZERO_D, _SCALAR = 2, 1, 0  # how strongly an operand holds its dtype


PYTHON_SCALARS = (bool, int, float)


def scalar_key(value) -> str:
    """The key of a Python ``bool`` / ``int`` / ``float`` (NumPy's float64 counts as a
    float)."""
    if isinstance(value, bool):
        return "python bool"
    if isinstance(value, int):
        return "python int"
    if isinstance(value, float):
        return "python float"
    raise TypeError(f"scalar_key: expected a Python bool, int or float; received {value!r}.")


def operand_key(dtype_name: str, ndim: int) -> str:
    """The key of a tensor with this dtype name and rank."""
    return dtype_name if ndim else "0d:" + dtype_name


def _category(name: str) -> int:
    if name == "bool":
        return 0
    if name in FLOAT_DTYPES:
        return 2
    if name.startswith("complex"):
        return 3
    return 1


def _parse(key: str, floatx: str) -> tuple[str, int]:
    if key.startswith("python "):
        return _SCALAR_DTYPES[key] or floatx, _SCALAR
    if key.startswith("0d:"):
        return key[3:], _ZERO_D
    return key, _TENSOR


def _scalar_category(key: str) -> int:
    return {"python bool": 0, "python int": 1, "python float": 2}[key]


def binary_dtype(first: str, second: str) -> str:
    """The dtype name ``first op second`` computes in, for two operand keys."""
    return _binary_dtype(first, second, config.floatx())


@functools.lru_cache(maxsize=1024)
def _binary_dtype(first: str, second: str, floatx: str) -> str:
    (name1, strength1), (name2, strength2) = _parse(first, floatx), _parse(second, floatx)
    if strength1 == strength2:
        return result_type(name1, name2)
    if strength1 > strength2:
        strong, weak, weak_key = name1, name2, second
    else:
        strong, weak, weak_key = name2, name1, first
    weak_category = (
        _scalar_category(weak_key) if weak_key.startswith("python ") else _category(weak)
    )
    if weak_category <= _category(strong):
        return strong
    return weak
