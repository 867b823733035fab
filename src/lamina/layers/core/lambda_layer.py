"""Lambda: wraps a Python function as a layer.

Saving. A Lambda works in memory with any callable, but only a function that can be found
again by name is ever written to a file: one registered with
``@lamina.saving.register_keras_serializable()`` (or a registered class instance), a public
``lamina.ops`` op or a ``lamina.activations`` function (written as Keras writes
``keras.ops.square``, so the file loads in Keras too). For anything else, a Python
``lambda`` above all, ``get_config`` raises a ValueError, so ``model.save`` fails at save
time with the fix in the message rather than writing a file that cannot be loaded: Lamina
never writes Python bytecode, and never loads Keras's ``__lambda__`` bytecode form either,
in any mode (see ``serialization/allow_list.py``).
"""

from __future__ import annotations

import inspect
import types

import numpy as np

from lamina import activations, backend, ops
from lamina.backend import KerasTensor
from lamina.backend.common import tree
from lamina.layers.layer import Layer
from lamina.serialization import deserialize_keras_object, serialize_keras_object
from lamina.serialization.allow_list import lambda_error
from lamina.serialization.registration import get_registered_name, get_registered_object

# The public op namespaces a saved function may name, by the module Keras writes for it.
_OP_MODULES = {
    "keras.ops": ops,
    "keras.ops.nn": ops.nn,
    "keras.ops.numpy": ops.numpy,
    "keras.ops.math": ops.math,
    "keras.ops.linalg": ops.linalg,
    "keras.ops.image": ops.image,
    "keras.ops.core": ops.core,
    "keras.activations": activations,
}


def _public_table(module) -> dict:
    """The functions a public namespace exports (its ``__all__``), by name."""
    names = getattr(module, "__all__", ())
    return {name: getattr(module, name) for name in names if callable(getattr(module, name, None))}


def _public_function_config(fn):
    """Keras's config of a public op or activation (``{"module": "keras.ops", ...}``), or None."""
    name = getattr(fn, "__name__", None)
    if not isinstance(name, str):
        return None
    for module_name, module in _OP_MODULES.items():
        if _public_table(module).get(name) is fn:
            return {"module": module_name, "class_name": "function", "config": name,
                    "registered_name": name}  # fmt: skip
    return None


def _accepts(function, argument: str) -> bool:
    try:
        parameters = inspect.signature(function).parameters
    except (TypeError, ValueError):
        return False
    return argument in parameters


class Lambda(Layer):
    """Calls ``function(inputs, **arguments)`` (plus ``mask=`` / ``training=`` when the
    function takes them).

    ``output_shape`` (a shape without the batch axis, or a function of the input shape)
    is needed only where the engine's abstract evaluation cannot infer it. ``mask`` is None
    (no output mask), a function ``(inputs, mask) -> mask`` or a fixed tensor.

    See the module docstring for what can be saved: a Python ``lambda`` works in memory,
    but saving it raises a ValueError; use a registered function or an op.

    >>> Lambda(ops.square)(np.array([[2.0, 3.0]]))  # [[4., 9.]]
    """

    def __init__(self, function, output_shape=None, mask=None, arguments=None, **kwargs):
        if not callable(function):
            raise TypeError(
                f"Lambda: the argument 'function' must be callable; received {function!r} of "
                f"type {type(function).__name__}."
            )
        if arguments is not None and not isinstance(arguments, dict):
            raise TypeError(
                f"Lambda: the argument 'arguments' must be a dict of keyword arguments or "
                f"None; received {type(arguments).__name__}."
            )
        if output_shape is not None and not callable(output_shape):
            if not isinstance(output_shape, (list, tuple)):
                raise TypeError(
                    "Lambda: the argument 'output_shape' must be a shape (tuple), a function "
                    f"or None; received output_shape={output_shape!r}."
                )
            output_shape = tuple(output_shape)
        super().__init__(**kwargs)
        self.function = function
        self.arguments = dict(arguments or {})
        self.mask = mask
        self.supports_masking = mask is not None
        self._output_shape = output_shape
        self._function_takes_mask = _accepts(function, "mask")
        self._function_takes_training = _accepts(function, "training")
        self.built = True  # no weights

    def call(self, inputs, mask=None, training=None):
        kwargs = dict(self.arguments)
        if self._function_takes_mask:
            kwargs["mask"] = mask
        if self._function_takes_training:
            kwargs["training"] = training
        return self.function(inputs, **kwargs)

    def compute_mask(self, inputs, mask=None):
        if callable(self.mask):
            return self.mask(inputs, mask)
        return self.mask

    def compute_output_shape(self, input_shape):
        if self._output_shape is None:
            if isinstance(input_shape, list) and all(
                isinstance(s, (list, tuple)) for s in input_shape
            ):
                inputs = [KerasTensor(tuple(s), dtype=self.compute_dtype) for s in input_shape]
            else:
                inputs = KerasTensor(tuple(input_shape), dtype=self.compute_dtype)
            spec = self.compute_output_spec(inputs)
            return tree.map_structure(lambda t: t.shape, spec)
        if callable(self._output_shape):
            return self._output_shape(input_shape)
        batch_size = tree.flatten(input_shape)[0] if input_shape else None
        return (batch_size, *self._output_shape)

    def compute_output_spec(self, inputs, mask=None, training=None):
        if self._output_shape is None:
            try:
                return backend.compute_output_spec(self.call, inputs, mask=mask)
            except Exception as error:  # the user's function: any failure means "cannot infer"
                raise ValueError(
                    f"Layer {self.name!r} (Lambda) could not infer the shape of its output "
                    f"from the function {_describe(self.function)}: {error}. Pass "
                    "`output_shape`."
                ) from error
        input_shape = tree.map_structure(lambda t: t.shape, inputs)
        shape = self.compute_output_shape(input_shape)
        return KerasTensor(tuple(shape), dtype=self.compute_dtype)

    # ---- config: names of functions only, never code --------------------------------------

    def get_config(self) -> dict:
        config = {
            **super().get_config(),
            "function": self._function_config(self.function, "function"),
        }
        if self._output_shape is not None:
            config["output_shape"] = (
                self._function_config(self._output_shape, "output_shape")
                if callable(self._output_shape)
                else list(self._output_shape)
            )
        if self.mask is not None:
            config["mask"] = (
                self._function_config(self.mask, "mask")
                if callable(self.mask)
                else _tensor_config(self.mask)
            )
        config["arguments"] = serialize_keras_object(self.arguments)
        return config

    def _function_config(self, fn, argument: str):
        if _is_registered(fn) or (
            not isinstance(fn, types.FunctionType) and _is_registered(type(fn))
        ):
            return serialize_keras_object(fn)
        public = _public_function_config(fn)
        if public is not None:
            return public
        kind = "a Python lambda" if getattr(fn, "__name__", "") == "<lambda>" else "unregistered"
        raise ValueError(
            f"Cannot save Lambda layer {self.name!r}: its `{argument}` {_describe(fn)} is "
            f"{kind}, and Lamina never writes Python code into a file (nor loads Keras's "
            "`__lambda__` bytecode). Use a named function decorated with "
            "`@lamina.saving.register_keras_serializable()`, a `lamina.ops` op, or a Layer "
            "subclass with get_config()."
        )

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        config["function"] = _function_from_config(config["function"], "function")
        output_shape = config.get("output_shape")
        if isinstance(output_shape, (dict, str)):
            config["output_shape"] = _function_from_config(output_shape, "output_shape")
        elif isinstance(output_shape, list):
            config["output_shape"] = tuple(output_shape)
        mask = config.get("mask")
        if isinstance(mask, dict) and mask.get("class_name") == "__tensor__":
            config["mask"] = _tensor_from_config(mask)
        elif isinstance(mask, (dict, str)):
            config["mask"] = _function_from_config(mask, "mask")
        return super().from_config(config)


def _is_registered(obj) -> bool:
    try:
        return get_registered_object(get_registered_name(obj)) is obj
    except (AttributeError, TypeError):  # no __name__: nothing registered it
        return False


def _describe(fn) -> str:
    return repr(getattr(fn, "__qualname__", None) or getattr(fn, "__name__", None) or fn)


def _function_from_config(config, argument: str):
    """The function a saved config names: registered or custom objects first, then the
    public op / activation namespace of its ``module``; bytecode is always refused."""
    if isinstance(config, dict) and config.get("class_name") == "__lambda__":
        raise lambda_error()
    module = config.get("module") if isinstance(config, dict) else None
    if isinstance(module, str) and module.startswith("lamina."):
        module = "keras." + module[len("lamina.") :]
    table = _public_table(_OP_MODULES[module]) if module in _OP_MODULES else _public_table(ops)
    function = deserialize_keras_object(
        config, module_objects=table, kind=f"Lambda `{argument}` function"
    )
    if not callable(function):
        raise ValueError(f"Lambda: the saved `{argument}` names {function!r}, not a function.")
    return function


def _tensor_config(value) -> dict:
    array = np.asarray(backend.convert_to_numpy(value))
    return {"class_name": "__tensor__",
            "config": {"value": array.tolist(), "dtype": array.dtype.name}}  # fmt: skip


def _tensor_from_config(config):
    inner = config.get("config", {})
    return ops.convert_to_tensor(np.asarray(inner["value"], dtype=inner.get("dtype")))
