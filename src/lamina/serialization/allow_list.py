"""The one allow-list resolver: which class a config dict may build, and the check that a
whole config tree names nothing else.

Every path that builds objects from data (``load_model``, ``model_from_json``,
``from_config``, ``deserialize_keras_object`` and the ``get``/``deserialize`` functions of
each package) finds classes through ``resolve_class``: the user's registered objects and
``custom_objects`` first, then only the public Lamina packages named by the schema's
``module`` field (``keras.layers`` and ``lamina.layers`` both mean ``lamina.layers``). No
module named by a config is ever imported. ``check_config`` walks a tree before anything is
built, so a refused class stops loading before any object exists.
"""

from __future__ import annotations

import importlib

from lamina.serialization.registration import get_registered_object

# The public lamina packages a config may name, and Keras's spelling of each.
PUBLIC_MODULES = (
    "layers",
    "models",
    "losses",
    "metrics",
    "optimizers",
    "optimizers.schedules",
    "activations",
    "initializers",
    "regularizers",
    "constraints",
    "callbacks",
    "dtype_policies",
    "quantizers",
)
# Keras classes whose own name differs from the public name they are exported under: files
# written by Keras carry the class's own name.
KERAS_CLASS_NAMES = {"GroupedQueryAttention": "GroupQueryAttention"}
# Classes configs may name outside PUBLIC_MODULES, by their schema module (``keras.`` or
# ``lamina.`` and ``src.`` dropped): Keras saves a FeatureSpace (``keras.utils``) as a whole
# ``.keras`` file, and names its parts by their defining module.
NAMED_CLASSES = {
    "utils": ("lamina.utils", ("FeatureSpace",)),
    "layers.preprocessing.feature_space": (
        "lamina.layers.preprocessing.feature_space",
        ("Cross", "Feature", "FeatureSpace", "TFDConcat", "TFDIdentity"),
    ),
    # The layers two applications define for themselves (Keras names them by module too).
    "applications.convnext": ("lamina.applications.convnext", ("LayerScale", "StochasticDepth")),
    "applications.inception_resnet_v2": (
        "lamina.applications.inception_resnet_v2",
        ("CustomScaleLayer",),
    ),
}
# Public classes that run code from outside the file when built, so that a file may build
# them only with safe_mode=False (as Keras refuses them): why, by class name.
UNSAFE_CLASSES = {
    "TFSMLayer": "it loads and runs an external TensorFlow SavedModel, whose graph can read "
    "and write files",
}
# Schema markers the deserializer handles itself; they name no class to look up.
SCHEMA_MARKERS = ("__keras_tensor__", "__operation__", "__numpy__", "__tensor__", "__bytes__")


def public_module(module: str):
    """The Lamina package a schema ``module`` names (``keras.src.layers.core.dense`` →
    ``lamina.layers``), or None. Only ``PUBLIC_MODULES`` can be returned."""
    parts = module.split(".")
    if parts[0] not in ("keras", "lamina"):
        return None
    if len(parts) == 1:
        return importlib.import_module("lamina")  # Keras writes module "keras" for Sequential
    tail = ".".join(parts[1:])
    if tail.startswith("src."):
        tail = tail[4:]
    # Keras also writes engine-specific paths (keras.src.backend.torch.optimizers.torch_adam).
    pieces = tail.split(".")
    candidates = [tail, ".".join(pieces[:2]), pieces[0]]
    candidates += [".".join(pieces[i : i + 2]) for i in range(len(pieces))] + pieces
    for candidate in candidates:
        if candidate in PUBLIC_MODULES:
            return importlib.import_module(f"lamina.{candidate}")
    return None


def _named_class(module_name: str, class_name: str):
    """The class of ``NAMED_CLASSES`` that ``module_name``/``class_name`` names, or None."""
    parts = module_name.split(".")
    if parts[0] not in ("keras", "lamina"):
        return None
    tail = ".".join(parts[2:] if parts[1:2] == ["src"] else parts[1:])
    if tail not in NAMED_CLASSES or class_name not in NAMED_CLASSES[tail][1]:
        return None
    return getattr(importlib.import_module(NAMED_CLASSES[tail][0]), class_name)


def resolve_class(config: dict, module_objects=None, custom_objects=None):
    """The class a ``{module, class_name, registered_name}`` config names, or None."""
    class_name = config.get("class_name")
    for name in (config.get("registered_name"), class_name):
        found = get_registered_object(name, custom_objects, module_objects)
        # Only a class: a registered function is never called with a file's arguments.
        if isinstance(found, type):
            return found
    module_name = config.get("module")
    if not isinstance(module_name, str) or not isinstance(class_name, str):
        return None
    if not class_name.isidentifier() or class_name.startswith("_"):
        return None
    named = _named_class(module_name, class_name)
    if named is not None:
        return named
    module = public_module(module_name)
    public_name = KERAS_CLASS_NAMES.get(class_name, class_name)
    found = getattr(module, public_name, None) if module is not None else None
    # Only classes with a config constructor: a function or constant of the same name in a
    # public package must never be called with a file's arguments.
    if isinstance(found, type) and hasattr(found, "from_config"):
        return found
    return None


def lambda_error() -> ValueError:
    return ValueError(
        "Refusing to load a Lambda's Python bytecode (`__lambda__`): running serialized "
        "code could do anything, and Lamina never does, in any mode. Rewrite the lambda as "
        "a registered function or layer (@lamina.saving.register_keras_serializable())."
    )


def _is_allowed(config: dict, custom_objects) -> bool:
    if resolve_class(config, None, custom_objects) is not None:
        return True
    class_name = config["class_name"]
    if class_name == "function" and isinstance(config.get("config"), str):
        name = config.get("registered_name") or config["config"]
        if get_registered_object(name, custom_objects) is not None:
            return True
    module = config.get("module")
    root = module.split(".")[0] if isinstance(module, str) else None
    # Within Lamina's own packages a name the resolver does not know as a class (a function,
    # or Keras's DTypePolicy dict that layers read themselves) is resolved, or refused, by
    # name there later; nothing outside them is ever looked up.
    return (
        root in ("keras", "lamina") and class_name.isidentifier() and not class_name.startswith("_")
    )


_UNSAFE_DESERIALIZATION = False


def enable_unsafe_deserialization() -> None:
    """Treat every load as ``safe_mode=False`` (Keras's ``config.
    enable_unsafe_deserialization``): configs naming classes outside the allow-list are no
    longer refused up front. Lamina still never runs serialized code (Lambda bytecode) and
    never imports a module a file names, so such classes can only come from
    ``custom_objects`` or the registry."""
    global _UNSAFE_DESERIALIZATION
    _UNSAFE_DESERIALIZATION = True


def refusal(config: dict, custom_objects=None, safe_mode=True) -> str | None:
    """Why loading the object ``config`` describes must be refused, or None when it may be
    loaded. Looks only at this one dict (``check_config`` walks the tree)."""
    class_name = config.get("class_name")
    if class_name == "__lambda__":
        return str(lambda_error())
    if _UNSAFE_DESERIALIZATION:
        safe_mode = False
    if safe_mode and class_name in UNSAFE_CLASSES and not config.get("registered_name"):
        return (
            f"Refusing to load a {class_name} with safe_mode=True: {UNSAFE_CLASSES[class_name]}. "
            "If you trust the file and the artifact it names, load it with safe_mode=False."
        )
    if not safe_mode or class_name in SCHEMA_MARKERS or _is_allowed(config, custom_objects):
        return None
    module = config.get("module")
    shown = config.get("registered_name") or class_name
    return (
        f"Refusing to load {shown!r} from module {module!r}: it is neither part of Lamina nor "
        "a registered object, and safe_mode=True never imports modules named by a file. "
        "If you trust this class, decorate it with "
        "`@lamina.saving.register_keras_serializable()` or pass "
        f"`custom_objects={{{class_name!r}: {class_name}}}` to load_model."
    )


def check_config(config, custom_objects=None, safe_mode=True) -> None:
    """Walks a config tree and refuses, before anything is built, what loading it must not
    do: serialized code (always) and, with ``safe_mode``, classes outside the allow-list."""
    stack = [config]
    while stack:
        value = stack.pop()
        if isinstance(value, dict):
            if isinstance(value.get("class_name"), str):
                reason = refusal(value, custom_objects, safe_mode)
                if reason is not None:
                    raise ValueError(reason)
            stack.extend(value.values())
        elif isinstance(value, list):
            stack.extend(value)


__all__ = [
    "PUBLIC_MODULES",
    "check_config",
    "lambda_error",
    "public_module",
    "refusal",
    "resolve_class",
]
