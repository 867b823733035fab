"""Quantizers: integer and float8 quantization of tensors, and the Quantizer objects.

The configuration classes of layer quantization (``Int8QuantizationConfig``,
``GPTQConfig``, ...) are not built yet.
"""

from __future__ import annotations

import inspect

from lamina.quantizers.abs_max import (
    abs_max_quantize as abs_max_quantize,
    abs_max_quantize_grouped_with_zero_point as abs_max_quantize_grouped_with_zero_point,
)
from lamina.quantizers.fake_quant import (
    fake_quant_with_min_max_vars as fake_quant_with_min_max_vars,
)
from lamina.quantizers.float8 import (
    compute_float8_amax_history as compute_float8_amax_history,
    compute_float8_scale as compute_float8_scale,
    quantize_and_dequantize as quantize_and_dequantize,
)
from lamina.quantizers.int4_packing import pack_int4 as pack_int4, unpack_int4 as unpack_int4
from lamina.quantizers.quantizer import AbsMaxQuantizer as AbsMaxQuantizer, Quantizer as Quantizer
from lamina.serialization import deserialize_keras_object, serialize_keras_object

# Keras's names: each class name and its snake_case form.
MODULE_OBJECTS = {
    "Quantizer": Quantizer,
    "AbsMaxQuantizer": AbsMaxQuantizer,
    "quantizer": Quantizer,
    "abs_max_quantizer": AbsMaxQuantizer,
}


def serialize(initializer):
    """The quantizer's Keras config dict (``deserialize`` rebuilds it). The argument's
    name is Keras's."""
    return serialize_keras_object(initializer)


def deserialize(config, custom_objects=None):
    """The quantizer a config dict describes (or the class a name names), found through
    the safe loader: built-in, registered or in ``custom_objects``."""
    return deserialize_keras_object(
        config, module_objects=MODULE_OBJECTS, custom_objects=custom_objects, kind="quantizer"
    )


def get(identifier, **kwargs):
    """A quantizer from None (None), a name (``"abs_max_quantizer"``: a new instance,
    built with ``kwargs``), a config dict, a class (instantiated with ``kwargs``) or a
    callable (returned as it is)."""
    if identifier is None:
        return None
    if isinstance(identifier, dict):
        found = deserialize(identifier)
    elif isinstance(identifier, str):
        found = MODULE_OBJECTS.get(identifier)
        if found is None:
            raise ValueError(
                f"Unknown quantizer: {identifier!r}. Valid names: "
                f"{', '.join(sorted(MODULE_OBJECTS))}."
            )
    else:
        found = identifier
    if inspect.isclass(found):
        return found(**kwargs)
    if callable(found):
        return found
    raise ValueError(
        "Could not interpret quantizer identifier: expected None, a name, a config dict, a "
        f"Quantizer or a callable; received {identifier!r}."
    )


__all__ = [
    "AbsMaxQuantizer",
    "Quantizer",
    "abs_max_quantize",
    "abs_max_quantize_grouped_with_zero_point",
    "compute_float8_amax_history",
    "compute_float8_scale",
    "deserialize",
    "fake_quant_with_min_max_vars",
    "get",
    "pack_int4",
    "quantize_and_dequantize",
    "serialize",
    "unpack_int4",
]
