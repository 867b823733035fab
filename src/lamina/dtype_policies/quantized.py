"""Keras 3's quantized dtype policies, by name only: Lamina has no quantized layers yet.

Each class exists so that ``lamina.dtype_policies`` has Keras's names and so that a file
naming one fails with a clear error instead of an unknown-class error; making one raises
``NotImplementedError``.
"""

from __future__ import annotations

from lamina.dtype_policies.dtype_policy import DTypePolicy

QUANTIZATION_MODES = ("int8", "float8", "int4", "gptq", "awq")


class QuantizedDTypePolicy(DTypePolicy):
    """Keras's policy of a quantized layer (``"int8_from_float32"``); not supported."""

    def __init__(self, mode, source_name=None, **kwargs):
        raise NotImplementedError(
            f"{type(self).__name__}(mode={mode!r}): quantized layers are not supported by "
            "Lamina yet, so quantized dtype policies (int8, float8, int4, GPTQ, AWQ) cannot "
            "be made or loaded. Use a float policy such as 'float32' or 'mixed_bfloat16'."
        )

    @classmethod
    def from_config(cls, config):
        return cls(**config)


class QuantizedFloat8DTypePolicy(QuantizedDTypePolicy):
    """Keras's float8 training policy; not supported."""


class Int4DTypePolicy(QuantizedDTypePolicy):
    """Keras's int4 sub-channel policy (``"int4/128"``); not supported."""


class GPTQDTypePolicy(QuantizedDTypePolicy):
    """Keras's GPTQ policy (``"gptq/4/128"``); not supported."""


class AWQDTypePolicy(QuantizedDTypePolicy):
    """Keras's AWQ policy (``"awq/4/128"``); not supported."""


def quantized_policy_from_name(name: str):
    """The policy a name such as ``"int8_from_float32"`` stands for; always refused here."""
    mode, _, source_name = name.partition("_from_")
    raise NotImplementedError(
        f"dtype policy {name!r}: quantized layers ({mode}) are not supported by Lamina yet; "
        "use a float policy such as 'float32' or 'mixed_bfloat16'."
    )


__all__ = [
    "QUANTIZATION_MODES",
    "AWQDTypePolicy",
    "GPTQDTypePolicy",
    "Int4DTypePolicy",
    "QuantizedDTypePolicy",
    "QuantizedFloat8DTypePolicy",
    "quantized_policy_from_name",
]
