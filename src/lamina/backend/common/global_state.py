"""Thread-local state shared by the floors: name scopes, symbolic scope, call context, names."""

from __future__ import annotations

import collections
import contextlib
import gc
import math
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


def get_uid(prefix: str = "") -> int:
    """Keras's ``backend.get_uid``: 1, 2, 3… per prefix in this session. It shares the
    counter of ``unique_name``, so ``get_uid("dense")`` after one auto-named Dense is 2."""
    counts = _get("name_counts", collections.Counter)
    counts[prefix] += 1
    return counts[prefix]


def clear_session(free_memory: bool = True) -> None:
    """Reset auto-naming and scopes, as ``keras.backend.clear_session()``; with
    ``free_memory`` (Keras's default) also run Python's garbage collector, so models
    dropped in a loop give their memory back now (it can take a moment: pass False in a
    tight loop)."""
    for attr in ("name_counts", "name_scopes", "dtype_policy", "global_attributes"):
        if hasattr(_state, attr):
            delattr(_state, attr)
    if free_memory:
        gc.collect()


# ---- name scopes (variable paths) -------------------------------------------------------


@contextlib.contextmanager
def name_scope(name: str):
    """A context in which new variables' paths start with ``name/`` (layers open one for
    their weights: ``dense/kernel``).
    """
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


class SymbolicScope:
    """``with SymbolicScope():`` marks code as running on symbolic tensors only (shape
    inference), as Keras's ``keras.SymbolicScope``; ``in_symbolic_scope()`` reports it."""

    def __enter__(self):
        self._previous = getattr(_state, "symbolic", False)
        _state.symbolic = True
        return self

    def __exit__(self, *exc_info):
        _state.symbolic = self._previous
        return False


# ---- call context: the ``training`` flag of the outermost layer call --------------------


def get_training():
    return getattr(_state, "training", None)


def set_training(value) -> None:
    _state.training = value


# ---- deferred initializers (rebuilding a model whose weights a file is about to fill) ----


@contextlib.contextmanager
def deferred_initializers():
    """Inside the block, variables with a callable initializer get storage but not their
    initial values; the block yields the list of ``(variable, initializer)`` pairs so that
    the caller runs the initializers of those it did not fill (``run_deferred``). Loading a
    model thus does not draw random weights only to overwrite them."""
    previous = getattr(_state, "deferred", None)
    _state.deferred = []
    try:
        yield _state.deferred
    finally:
        _state.deferred = previous


def defer_initializer(variable, initializer) -> bool:
    """Records ``initializer`` for ``variable`` when deferring; whether it was deferred."""
    deferred = getattr(_state, "deferred", None)
    if deferred is None:
        return False
    deferred.append((variable, initializer))
    return True


def run_deferred(deferred, filled) -> None:
    """Runs the deferred initializers of the variables not in ``filled`` (a set of ids)."""
    for variable, initializer in deferred:
        if id(variable) not in filled:
            variable.assign(initializer(variable.shape, dtype=variable.dtype))


# ---- a cap on variable bytes (rebuilding a model from a file) -----------------------------


@contextlib.contextmanager
def variable_budget(nbytes: int, source: str):
    """Caps the bytes of the variables created inside the block. A model rebuilt from a
    file's config runs under one, so that a config declaring huge shapes is refused before
    the allocation, not by the operating system part-way through it."""
    previous = getattr(_state, "variable_budget", None)
    _state.variable_budget = [nbytes, nbytes, source]
    try:
        yield
    finally:
        _state.variable_budget = previous


def _itemsize(dtype: str) -> int:
    digits = dtype[len(dtype.rstrip("0123456789")) :]
    return max(int(digits) // 8, 1) if digits else 1 if dtype == "bool" else 8


def charge_variable(name: str, shape: tuple, dtype: str) -> None:
    """Takes a new variable's bytes from the active ``variable_budget``; a ``ValueError``
    naming the variable when they are more than is left."""
    budget = getattr(_state, "variable_budget", None)
    if budget is None:
        return
    nbytes = math.prod(1 if size is None else size for size in shape) * _itemsize(dtype)
    if nbytes > budget[0]:
        raise ValueError(
            f"Variable {name!r} of shape {shape} and dtype {dtype} needs {nbytes} bytes, but "
            f"only {budget[0]} of the {budget[1]} allowed by {budget[2]} are left: refusing "
            "to allocate it."
        )
    budget[0] -= nbytes


# ---- autocast: the dtype floating variables are read in inside a mixed-precision layer ----


# How many autocast scopes are open in any thread: variable reads (dozens per training step)
# test this plain module global first and look at the thread-local scope only when it is not 0.
autocast_scopes_open = 0


def autocast_dtype():
    """None outside any autocast scope; inside one, the dtype that floating variables created
    with ``autocast=True`` are read in, or "" where a layer turned autocasting off."""
    return getattr(_state, "autocast", None)


@contextlib.contextmanager
def autocast_scope(dtype):
    """Variables read inside the block come back cast to ``dtype`` (Keras's AutocastScope):
    a layer whose compute dtype differs from its variables' opens one around ``call``.
    ``dtype=None`` turns autocasting off for the block (a layer with ``autocast=False``)."""
    global autocast_scopes_open
    previous = getattr(_state, "autocast", None)
    _state.autocast = dtype or ""
    autocast_scopes_open += 1
    try:
        yield
    finally:
        autocast_scopes_open -= 1
        _state.autocast = previous


# ---- the global dtype policy (lamina.dtype_policies owns the class; Keras resets it here) ----


def get_dtype_policy():
    """The policy ``set_dtype_policy`` set in this thread since the last ``clear_session``,
    or None."""
    return getattr(_state, "dtype_policy", None)


def set_dtype_policy(policy) -> None:
    _state.dtype_policy = policy


# ---- named global attributes (the active distribution, as Keras keeps it) ----------------


def get_global_attribute(name: str, default=None, set_to_default: bool = False):
    """The attribute ``name`` set in this thread since the last ``clear_session`` (Keras's
    ``global_state.get_global_attribute``); ``default`` when unset, then also stored when
    ``set_to_default``. Floors below ``lamina.distribution`` read the active distribution
    through ``get_global_attribute("distribution")`` without importing it."""
    attributes = _get("global_attributes", dict)
    if name not in attributes and set_to_default:
        attributes[name] = default
    return attributes.get(name, default)


def set_global_attribute(name: str, value) -> None:
    _get("global_attributes", dict)[name] = value
