"""``lamina.dtype_policies``: Keras 3's dtype policies (a layer's compute and variable dtypes).

The quantized policies exist by name only and raise ``NotImplementedError`` when made.
"""

from lamina.dtype_policies.dtype_policy import (
    DTypePolicy as DTypePolicy,
    FloatDTypePolicy as FloatDTypePolicy,
)
from lamina.dtype_policies.dtype_policy_map import DTypePolicyMap as DTypePolicyMap
from lamina.dtype_policies.lookup import (
    deserialize as deserialize,
    get as get,
    serialize as serialize,
)
from lamina.dtype_policies.quantized import (
    AWQDTypePolicy as AWQDTypePolicy,
    GPTQDTypePolicy as GPTQDTypePolicy,
    Int4DTypePolicy as Int4DTypePolicy,
    QuantizedDTypePolicy as QuantizedDTypePolicy,
    QuantizedFloat8DTypePolicy as QuantizedFloat8DTypePolicy,
)

__all__ = [
    "AWQDTypePolicy",
    "DTypePolicy",
    "DTypePolicyMap",
    "FloatDTypePolicy",
    "GPTQDTypePolicy",
    "Int4DTypePolicy",
    "QuantizedDTypePolicy",
    "QuantizedFloat8DTypePolicy",
    "deserialize",
    "get",
    "serialize",
]
