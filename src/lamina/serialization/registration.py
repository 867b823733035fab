"""The registry of user classes and functions that may be rebuilt from a config."""

from __future__ import annotations

import threading

_GLOBAL_CUSTOM_OBJECTS: dict = {}
_GLOBAL_CUSTOM_NAMES: dict = {}
_scope_state = threading.local()


def register_keras_serializable(package: str = "Custom", name: str | None = None):
    """Decorator: make a class or function loadable from configs as ``package>name``."""

    def decorator(arg):
        class_name = name if name is not None else arg.__name__
        registered_name = f"{package}>{class_name}"
        if isinstance(arg, type) and not hasattr(arg, "get_config"):
            raise ValueError(
                f"Cannot register {arg.__name__}: a class must define get_config() to be "
                "serializable."
            )
        _GLOBAL_CUSTOM_OBJECTS[registered_name] = arg
        _GLOBAL_CUSTOM_NAMES[arg] = registered_name
        return arg

    return decorator


def get_registered_name(obj) -> str:
    """The name ``obj`` is saved under: ``"package>Name"`` for an object registered with
    ``register_keras_serializable``, else its ``__name__``.
    """
    if obj in _GLOBAL_CUSTOM_NAMES:
        return _GLOBAL_CUSTOM_NAMES[obj]
    return obj.__name__


def _scoped_objects() -> dict:
    merged: dict = {}
    for scope in getattr(_scope_state, "stack", []):
        merged.update(scope)
    return merged


def get_registered_object(name, custom_objects=None, module_objects=None):
    """The object registered (or scoped, or in ``custom_objects`` or ``module_objects``) under
    ``name``, or None. Looks in the active ``CustomObjectScope``s first, then the global
    registry, then the given tables.
    """
    if not isinstance(name, str):
        return None  # a config's name field holding a list or dict names nothing
    for table in (_scoped_objects(), _GLOBAL_CUSTOM_OBJECTS, custom_objects or {}):
        if name in table:
            return table[name]
    if module_objects and name in module_objects:
        return module_objects[name]
    return None


def get_custom_objects() -> dict:
    """The global registry itself (mutable), as ``keras.saving.get_custom_objects()``."""
    return _GLOBAL_CUSTOM_OBJECTS


class CustomObjectScope:
    """``with CustomObjectScope({"MyLayer": MyLayer}):`` makes those names loadable inside."""

    def __init__(self, custom_objects=None, *more):
        objects = dict(custom_objects or {})
        for extra in more:
            objects.update(extra)
        self.custom_objects = objects

    def __enter__(self):
        stack = getattr(_scope_state, "stack", None)
        if stack is None:
            stack = _scope_state.stack = []
        stack.append(self.custom_objects)
        return self

    def __exit__(self, *exc_info):
        _scope_state.stack.pop()


custom_object_scope = CustomObjectScope
