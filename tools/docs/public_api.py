"""What Lamina's public API is, read from the code: its namespaces and the names in each.

The API reference (``tools/docs/gen_reference.py``) and the docstring-coverage test
(``tests/docs/test_docstrings.py``) share this one definition:

- a namespace is ``lamina`` or a module that a namespace lists in ``__all__`` under its own
  dotted name (``lamina.layers``, ``lamina.ops.nn``); a module listed under another name
  (``lamina.backend.engine``, the active engine) is not one;
- its public names are its ``__all__`` (or, for a module without one, its names that do not
  start with ``_``), less submodules and objects defined outside Lamina;
- a few core classes' own public methods and properties count as public names too
  (``lamina.models.Model.fit``): the methods every user calls.
"""

from __future__ import annotations

import importlib
import inspect
import types
from collections.abc import Iterator

# Classes whose public methods and properties are documented names of their own.
CORE_CLASSES = (
    "lamina.layers.Layer",
    "lamina.models.Model",
    "lamina.models.Sequential",
    "lamina.optimizers.Optimizer",
    "lamina.losses.Loss",
    "lamina.metrics.Metric",
    "lamina.callbacks.Callback",
    "lamina.Operation",
)


def namespaces() -> list[str]:
    """Every public namespace, ``lamina`` first, each before the namespaces it holds."""
    found = ["lamina"]
    for namespace in found:  # grows while it is walked: breadth first
        module = importlib.import_module(namespace)
        for name in getattr(module, "__all__", ()):
            value = getattr(module, name, None)
            if isinstance(value, types.ModuleType) and value.__name__ == f"{namespace}.{name}":
                found.append(value.__name__)
    return found


def _is_lamina_object(value: object) -> bool:
    return str(getattr(value, "__module__", "")).startswith("lamina")


def public_names(namespace: str) -> list[str]:
    """The public names of one namespace that are classes, functions or other callables."""
    module = importlib.import_module(namespace)
    listed = getattr(module, "__all__", None)
    if listed is None:
        listed = sorted(name for name in dir(module) if not name.startswith("_"))
    names = []
    for name in listed:
        value = getattr(module, name, None)
        if isinstance(value, types.ModuleType) or not callable(value):
            continue
        if _is_lamina_object(value):
            names.append(name)
    return names


def _member_doc(cls: type, name: str) -> str | None:
    # inspect.getdoc follows the class hierarchy: an override documented on its base counts.
    return inspect.getdoc(getattr(cls, name, None))


def core_methods(path: str) -> Iterator[tuple[str, str | None]]:
    """(``path.method``, its docstring) for the public methods and properties that a core
    class, or a Lamina class it derives from, defines."""
    namespace, _, class_name = path.rpartition(".")
    cls = getattr(importlib.import_module(namespace), class_name)
    seen = set()
    for base in cls.__mro__:
        if not _is_lamina_object(base) or str(base.__module__).startswith("lamina.backend."):
            continue  # engine base classes differ per engine; their methods are not API
        for name, value in vars(base).items():
            if name.startswith("_") or name in seen:
                continue
            if isinstance(value, (staticmethod, classmethod)):
                value = value.__func__
            if isinstance(value, property) or inspect.isfunction(value):
                seen.add(name)
                yield f"{path}.{name}", _member_doc(cls, name)


def undocumented() -> list[str]:
    """Every public name (dotted path) whose object has no docstring, sorted."""
    missing = set()
    for namespace in namespaces():
        module = importlib.import_module(namespace)
        for name in public_names(namespace):
            if not (getattr(module, name).__doc__ or "").strip():
                missing.add(f"{namespace}.{name}")
    for path in CORE_CLASSES:
        missing.update(name for name, doc in core_methods(path) if not (doc or "").strip())
    return sorted(missing)
