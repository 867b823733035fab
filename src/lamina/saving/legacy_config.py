"""Keras 2 model configs (the ``model_config`` attribute of a legacy ``.h5`` file) rewritten
in Keras 3's schema, so that they load through the one safe path ``.keras`` files take
(``allow_list.check_config``, then ``deserialize_keras_object``).

Keras 2 (and Keras 3 writing ``.h5``) serialized objects as ``{class_name, config}`` with no
``module``; what package a name belongs to followed from where it sat. Here the package is
given back from the same place: a model's ``layers`` (and a wrapper's ``layer``/``cell``)
are layers, an argument named ``*_initializer`` an initializer, ``*_regularizer`` a
regularizer, ``*_constraint`` a constraint, ``activation`` an activation. An object found
anywhere else keeps no module, so ``check_config`` refuses it unless the user registered
it. The other Keras 2 forms that Keras 3's own legacy loader accepts
(keras/src/legacy/saving/saving_utils.py, models/functional.py) are rewritten too: the
``[[name, node_index, tensor_index, kwargs], ...]`` call lists of a Functional layer, a
one-element ``axis`` list, a Sequential saved as a bare list of layers, the mixed
precision ``Policy`` dtype, and a Lambda's code list (marked as code, so always refused).
"""

from __future__ import annotations

import copy

from lamina.saving.errors import SavedFileError

_MODEL_CLASSES = ("Sequential", "Functional", "Model")
_LAYER_KEYS = ("layer", "cell", "forward_layer", "backward_layer")
_LAYER_LIST_KEYS = ("layers", "cells")
_SUFFIX_MODULES = (
    ("initializer", "keras.initializers"),
    ("regularizer", "keras.regularizers"),
    ("constraint", "keras.constraints"),
    ("activation", "keras.activations"),
)
_DTYPE_POLICIES = ("Policy", "DTypePolicy", "PolicyV1")


def _is_object(value) -> bool:
    return isinstance(value, dict) and isinstance(value.get("class_name"), str)


def _with_module(entry: dict, module: str) -> dict:
    if "module" not in entry:
        entry = {**entry, "module": module, "registered_name": entry.get("registered_name")}
    return entry


def _module_for_key(key: str):
    for suffix, module in _SUFFIX_MODULES:
        if key.endswith(suffix):
            return module
    return None


def _convert_argument(key: str, value):
    """One argument of a layer config: nested layers, initializers… get their package."""
    if key in _LAYER_KEYS and _is_object(value):
        return convert_layer(value)
    if key in _LAYER_LIST_KEYS and isinstance(value, list):
        return [convert_layer(item) if _is_object(item) else item for item in value]
    if (
        key == "dtype"
        and _is_object(value)
        and "module" not in value
        and (value["class_name"] in _DTYPE_POLICIES)
    ):
        inner = value.get("config")
        return inner.get("name") if isinstance(inner, dict) else None
    if _is_object(value):
        module = _module_for_key(key)
        return _with_module(value, module) if module is not None else value
    return value


def _lambda_functions(config: dict) -> dict:
    """Keras 2 wrote a Lambda's function (and output_shape) as a ``[code, defaults,
    closure]`` list: marked as serialized code here, so the allow-list refuses it."""
    for key in ("function", "output_shape"):
        value = config.get(key)
        is_code = key == "function" or config.get(f"{key}_type") == "lambda"
        if isinstance(value, list) and is_code:
            config[key] = {"class_name": "__lambda__", "config": {"code": value}}
    return config


def _convert_layer_arguments(class_name: str, config: dict) -> dict:
    config = {key: _convert_argument(key, value) for key, value in config.items()}
    if class_name == "Lambda":
        config = _lambda_functions(config)
    axis = config.get("axis")
    if class_name == "BatchNormalization" and isinstance(axis, list) and len(axis) == 1:
        config["axis"] = int(axis[0])
    return config


def _tensor_reference(item) -> tuple:
    """A Keras 2 input reference ``[layer_name, node_index, tensor_index(, kwargs)]``."""
    if not isinstance(item, list) or len(item) not in (3, 4):
        raise SavedFileError(f"Invalid Keras 2 layer call in the model config: {item!r}.")
    name, node_index, tensor_index = item[:3]
    kwargs = item[3] if len(item) == 4 else {}
    if not isinstance(name, str) or not isinstance(kwargs, dict):
        raise SavedFileError(f"Invalid Keras 2 layer call in the model config: {item!r}.")
    tensor = {"class_name": "__keras_tensor__", "config": {"keras_history": item[:3]}}
    return tensor, kwargs


def convert_node(node):
    """A Keras 2 call (a list of input references) as Keras 3's ``{args, kwargs}``."""
    if isinstance(node, dict):
        return node
    if not isinstance(node, list) or not node:
        raise SavedFileError(f"Invalid Keras 2 layer call in the model config: {node!r}.")
    references = [_tensor_reference(item) for item in node]
    tensors = [tensor for tensor, _ in references]
    kwargs = references[-1][1]  # as Keras: the call's keyword arguments ride on the last input
    return {"args": [tensors[0] if len(tensors) == 1 else tensors], "kwargs": kwargs}


def convert_layer(entry: dict) -> dict:
    """One layer entry (of a model's ``layers`` or a wrapper's ``layer``)."""
    class_name = entry["class_name"]
    if class_name in _MODEL_CLASSES:
        entry = convert_model_config(entry)  # a model used as a layer
    else:
        entry = _with_module(entry, "keras.layers")
        config = entry.get("config")
        if isinstance(config, dict):
            entry["config"] = _convert_layer_arguments(class_name, config)
    nodes = entry.get("inbound_nodes")
    if isinstance(nodes, list):
        entry["inbound_nodes"] = [convert_node(node) for node in nodes]
    return entry


def convert_model_config(config) -> dict:
    """A whole Keras 2 model config (``{class_name, config}``) in Keras 3's schema; the
    input is not modified. Objects already in Keras 3's schema pass through unchanged."""
    if not _is_object(config):
        raise SavedFileError(
            f"The model config is not a Keras config (a dict with `class_name`): {config!r:.200}"
        )
    config = copy.deepcopy(config)
    class_name = config["class_name"]
    if class_name not in _MODEL_CLASSES:
        return config  # a subclassed model: only a registered class may load it
    inner = config.get("config")
    if class_name == "Sequential" and isinstance(inner, list):
        inner = {"name": None, "layers": inner}  # Keras 2.0-2.2 wrote the layer list alone
    if not isinstance(inner, dict):
        raise SavedFileError(f"The {class_name} config is not a dict: {inner!r:.200}")
    layers = inner.get("layers")
    if isinstance(layers, list):
        inner["layers"] = [convert_layer(item) if _is_object(item) else item for item in layers]
    config["config"] = inner
    return _with_module(config, "keras")


__all__ = ["convert_layer", "convert_model_config", "convert_node"]
