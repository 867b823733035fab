"""Thread-local state shared by the floors: name scopes, symbolic scope, call context, names."""

from __future__ import annotations

import collections
import contextlib
import re
import threading

_state = threading.local()


def _get(name, factory):
    value = getattr(_state, name, None)
    if value is None:
        value = factory()
        setattr(_state, name, value)
    return value


# ---- names ------------------------------------------------------------------------------


def to_snake_case(name: str) -> str:
    name = re.sub(r"(.)([A-Z][a-z]+)", r"\1_\2", name)
    return re.sub(r"([a-z])([A-Z])", r"\1_\2", name).lower()


def unique_name(prefix: str) -> str:
    """``dense``, ``dense_1``, ``dense_2``… as Keras names layers within a session."""
    counts = _get("name_counts", collections.Counter)
    count = counts[prefix]
    counts[prefix] += 1
    return prefix if count == 0 else f"{prefix}_{count}"


def clear_session() -> None:
    """Reset auto-naming and scopes, as ``keras.backend.clear_session()``."""
    for attr in ("name_counts", "name_scopes"):
        if hasattr(_state, attr):
            delattr(_state, attr)


# ---- name scopes (variable paths) -------------------------------------------------------


@contextlib.contextmanager
def name_scope(name: str):
    scopes = _get("name_scopes", list)
    scopes.append(name)
    try:
        yield
    finally:
        scopes.pop()


def current_path() -> str:
    return "/".join(_get("name_scopes", list))


# ---- symbolic scope: set while shapes are being inferred --------------------------------


@contextlib.contextmanager
def symbolic_scope():
    previous = getattr(_state, "symbolic", False)
    _state.symbolic = True
    try:
        yield
    finally:
        _state.symbolic = previous


def in_symbolic_scope() -> bool:
    return getattr(_state, "symbolic", False)


# ---- call context: the ``training`` flag of the outermost layer call --------------------


def get_training():
    return getattr(_state, "training", None)


def set_training(value) -> None:
    _state.training = value
