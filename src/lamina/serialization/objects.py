"""serialize_keras_object / deserialize_keras_object in Keras 3's config schema.

A serialized object is ``{"module", "class_name", "config", "registered_name"}``; built-in
functions (activations, loss functions) serialize to their plain name, as Keras does.
"""

from __future__ import annotations

import contextlib
import difflib
import inspect
import types

import numpy as np

from lamina.serialization import allow_list
from lamina.serialization.allow_list import PUBLIC_MODULES, lambda_error
from lamina.serialization.registration import (
    _GLOBAL_CUSTOM_NAMES,
    get_registered_object,
)

# Where Keras 3 itself says its model classes live, so that Keras finds them in our files.
_KERAS_MODEL_MODULES = {
    "lamina.models.functional": ("keras.src.models.functional", "Functional"),
    "lamina.models.sequential": ("keras", None),
    "lamina.models.model": ("keras", None),
}

# Classes whose schema module is not their family's: Keras's FeatureSpace is `keras.utils`
# and its parts are named by their defining module (see allow_list.NAMED_CLASSES).
_FEATURE_SPACE_MODULE = "lamina.layers.preprocessing.feature_space"
_KERAS_CLASS_MODULES = {
    (_FEATURE_SPACE_MODULE, "FeatureSpace"): ("keras.utils", None),
    **{
        (_FEATURE_SPACE_MODULE, name): ("keras.src.layers.preprocessing.feature_space", name)
        for name in ("Cross", "Feature", "TFDConcat", "TFDIdentity")
    },
    # Layers of the applications, under the module Keras defines them in.
    **{
        (f"lamina.applications.{module}", name): (f"keras.src.applications.{module}", name)
        for module, name in (
            ("convnext", "LayerScale"),
            ("convnext", "StochasticDepth"),
            ("inception_resnet_v2", "CustomScaleLayer"),
        )
    },
}


def _public_module_name(python_module: str) -> str:
    """``lamina.layers.core.dense`` → ``keras.layers`` (the schema's module field)."""
    if python_module in _KERAS_MODEL_MODULES:
        return _KERAS_MODEL_MODULES[python_module][0]
    parts = python_module.split(".")
    if parts[0] != "lamina" or len(parts) < 2:
        return python_module
    if len(parts) >= 3 and f"{parts[1]}.{parts[2]}" in PUBLIC_MODULES:
        return f"keras.{parts[1]}.{parts[2]}"
    if parts[1] in PUBLIC_MODULES:
        return f"keras.{parts[1]}"
    return python_module


def _plain(value):
    """Make a config value JSON-ready (tuples to lists, numpy scalars to Python)."""
    if isinstance(value, tuple):
        return [_plain(v) for v in value]
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, np.ndarray):
        return value.tolist()
    return value


def serialize_keras_object(obj):
    """``obj`` as JSON-ready data in Keras's config schema: plain values pass through, and an
    object with ``get_config`` becomes ``{"module", "class_name", "config",
    "registered_name"}``; ``deserialize_keras_object`` rebuilds it.
    """
    if obj is None or isinstance(obj, (bool, int, float, str)):
        return obj
    if isinstance(obj, (list, tuple, dict, np.ndarray, np.generic)):
        return (
            _plain(obj)
            if not isinstance(obj, (list, tuple))
            else [serialize_keras_object(item) for item in obj]
        )
    if isinstance(obj, types.FunctionType):
        if obj in _GLOBAL_CUSTOM_NAMES:
            return {
                "module": obj.__module__,
                "class_name": "function",
                "config": _GLOBAL_CUSTOM_NAMES[obj],
                "registered_name": _GLOBAL_CUSTOM_NAMES[obj],
            }
        return obj.__name__
    if hasattr(obj, "get_config"):
        cls = type(obj)
        registered = _GLOBAL_CUSTOM_NAMES.get(cls)
        if registered is None and cls.__module__ in _KERAS_MODEL_MODULES:
            registered = _KERAS_MODEL_MODULES[cls.__module__][1]
        module = _public_module_name(cls.__module__)
        if (cls.__module__, cls.__name__) in _KERAS_CLASS_MODULES:
            module, keras_registered = _KERAS_CLASS_MODULES[(cls.__module__, cls.__name__)]
            registered = registered or keras_registered
        config = obj.get_config()
        return {
            "module": module,
            "class_name": cls.__name__,
            "config": _plain(config),
            "registered_name": registered,
            **_build_config(obj),
        }
    raise TypeError(f"Cannot serialize {obj!r}: it has no get_config().")


def _build_config(obj) -> dict:
    getter = getattr(obj, "get_build_config", None)
    if getter is None:
        return {}
    build_config = getter()
    return {"build_config": _plain(build_config)} if build_config else {}


def _unknown(kind, name, known):
    close = difflib.get_close_matches(str(name), list(known), n=3, cutoff=0.5)
    hint = f" Did you mean {', '.join(repr(c) for c in close)}?" if close else ""
    return ValueError(
        f"Unknown {kind}: {name!r}.{hint} Register custom objects with "
        "@lamina.saving.register_keras_serializable() or pass custom_objects."
    )


def deserialize_keras_object(
    config, module_objects=None, custom_objects=None, kind="object", safe_mode=True
):
    """Rebuild an object from a name or a ``{module, class_name, config}`` dict."""
    if config is None or isinstance(config, (bool, int, float)):
        return config
    if isinstance(config, str):
        found = get_registered_object(config, custom_objects, module_objects)
        if found is None:
            raise _unknown(kind, config, (module_objects or {}).keys())
        return found
    if not isinstance(config, dict) or "class_name" not in config:
        raise ValueError(
            f"Invalid {kind} config: expected a dict with 'class_name'; got {config!r}."
        )
    class_name = config["class_name"]
    inner = config.get("config", {})
    if class_name == "function":
        name = config.get("registered_name") or inner
        found = get_registered_object(name, custom_objects, module_objects)
        if found is None:
            raise _unknown(kind, name, (module_objects or {}).keys())
        return found
    if class_name == "__lambda__":
        raise lambda_error()
    cls = allow_list.resolve_class(config, module_objects, custom_objects)
    if cls is None:
        raise _unknown(
            kind, config.get("registered_name") or class_name, (module_objects or {}).keys()
        )
    inner = _without_unknown_none_arguments(cls, inner)
    with loading_config():
        if hasattr(cls, "from_config"):
            obj = cls.from_config(inner)
        else:
            obj = cls(**inner)
    build_config = config.get("build_config")
    if build_config and hasattr(obj, "build_from_config"):
        obj.build_from_config(build_config)
    return obj


_loading_depth = 0  # how many config loads are in progress (they nest: a model's layers)


@contextlib.contextmanager
def loading_config():
    """Marks objects made inside as rebuilt from a config (``from_config``), where a
    layer drops unknown arguments whose value is None (see below); built directly, a
    layer refuses every unknown argument, as Keras's does."""
    global _loading_depth
    _loading_depth += 1
    try:
        yield
    finally:
        _loading_depth -= 1


def is_loading_config() -> bool:
    return _loading_depth > 0


def _without_unknown_none_arguments(cls, config):
    """Newer Keras versions add optional arguments (``quantization_config=None``,
    ``input_axes=None``); a None there means "not used", so such keys are dropped for
    classes that do not take them. Any other unknown argument still fails, loudly."""
    if not isinstance(config, dict):
        return config
    try:
        parameters = inspect.signature(cls.__init__).parameters
    except (TypeError, ValueError):
        return config
    if any(p.kind is p.VAR_KEYWORD for p in parameters.values()):
        return config  # Layer.__init__ drops them itself
    return {k: v for k, v in config.items() if k in parameters or v is not None}
