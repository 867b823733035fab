"""Which variables a model saves, under which HDF5 group: Keras 3's ``saving_lib`` walk.

Keras 3 visits a model depth first and gives each object a path made of attribute names:
``Sequential`` and ``Functional`` models list ``layers`` first, then every other attribute
in sorted order (private ones last). An object inside a list or dict attribute is named
after its class in snake case (``dense``, ``dense_1``), not after its layer name, so paths
do not depend on the names a session happened to generate. An object reached twice is
saved once, at the first path. Each visited object's own variables go to
``<path>/vars/<index>`` (``vars`` at the root for the model itself): for a layer its
trainable then non-trainable variables in creation order, for an optimizer its
``variables``. Keras's ``_save_state``, ``_save_container_state`` and ``H5IOStore``
(keras/src/saving/saving_lib.py) define this layout; this module follows it, not its code.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from lamina.layers.layer import Layer

_REFERENCE_LAYER = None
# The layer's own tracking list and an engine module's registry (torch's `_modules`).
_TRACKING_CONTAINERS = ("_layers", "_modules")


@dataclass
class SavedObject:
    """One visited object: its HDF5 path ("" for the root) and the variables it owns."""

    path: str
    owner: Any
    variables: list = field(default_factory=list)
    is_optimizer: bool = False

    @property
    def custom_io(self) -> bool:
        """Whether the owner's class overrides ``save_own_variables`` or
        ``load_own_variables``: its state is then written and read through them, under the
        keys it chooses, instead of variable by variable. An object may decide per instance
        with a ``_custom_variable_io`` attribute (a LoRA layer does, only while LoRA is on)."""
        per_instance = getattr(self.owner, "_custom_variable_io", None)
        if per_instance is not None:
            return bool(per_instance)
        owner_type = type(self.owner)
        for method in ("save_own_variables", "load_own_variables"):
            mine = getattr(owner_type, method, None)
            if mine is not None and mine is not _default_io_method(owner_type, method):
                return True
        return False

    @property
    def vars_path(self) -> str:
        return f"{self.path}/vars" if self.path else "vars"

    @property
    def label(self) -> str:
        name = getattr(self.owner, "name", None) or type(self.owner).__name__
        kind = "Optimizer" if self.is_optimizer else "Layer"
        return f"{kind} {name!r} (at {self.vars_path!r})"


class CustomLoad:
    """Stands in for a variable in the ``(target, value)`` pairs that loading assigns, for
    an object with its own ``load_own_variables``: assigning the store (a dict of arrays
    read from the file) calls that method."""

    def __init__(self, saved: SavedObject):
        self.saved = saved
        self.variables = list(saved.variables)  # what the method is expected to fill

    def assign(self, store) -> None:
        self.saved.owner.load_own_variables(store)

    assign_owned = assign


def saved_store(saved: SavedObject) -> dict:
    """The ``{key: value}`` an object with its own ``save_own_variables`` writes."""
    store: dict = {}
    saved.owner.save_own_variables(store)
    for key in store:
        if not isinstance(key, str) or not key or "/" in key:
            raise ValueError(
                f"{saved.label}: save_own_variables wrote key {key!r}; keys must be "
                "non-empty strings without '/'."
            )
    return store


def _default_io_method(owner_type, method: str):
    """The base class's own ``method``: Layer's, or the optimizer base's."""
    for base in reversed(owner_type.__mro__):
        if method in vars(base):
            return vars(base)[method]
    return None


def to_snake_case(name: str) -> str:
    """Keras's snake case for class names: ``Conv2DTranspose`` → ``conv2d_transpose``."""
    name = re.sub(r"\W+", "", name)
    name = re.sub(r"(.)([A-Z][a-z]+)", r"\1_\2", name)
    return re.sub(r"([a-z])([A-Z])", r"\1_\2", name).lower()


def is_optimizer(value) -> bool:
    return (
        not isinstance(value, (Layer, type))
        and hasattr(value, "variables")
        and (hasattr(value, "apply_gradients") or hasattr(value, "apply"))
    )


def _object_type(saveable) -> str:
    if is_optimizer(saveable):
        return "Optimizer"
    names = {cls.__name__ for cls in type(saveable).__mro__}
    for kind in ("Sequential", "Functional"):
        if kind in names:
            return kind
    return "Layer"


def _skipped_attributes(object_type: str) -> set:
    """Attributes every plain Layer has: they hold no child state (Keras's skip list)."""
    global _REFERENCE_LAYER
    if _REFERENCE_LAYER is None:
        # An explicit name keeps the session's automatic names (layer, layer_1…) untouched.
        _REFERENCE_LAYER = Layer(name="lamina_saving_reference")
    skipped = set(dir(_REFERENCE_LAYER))
    if object_type == "Sequential":
        skipped.add("_functional")
    elif object_type == "Functional":
        skipped.update(("operations", "_operations"))
    return skipped


def _private_last(name: str) -> str:
    return "~" + name if name.startswith("_") else name


def _held_in_container(saveable, name: str, value) -> bool:
    """True for a name that is only a layer's own name, registered for a list item.

    On engines where a Layer is also a framework module, a sublayer appended to a list
    attribute is registered under its layer name, which ``dir`` then lists as if it were
    an attribute. Keras reaches such a layer through the list only.
    """
    if getattr(value, "name", None) != name or name in vars(saveable):
        return False
    for key, attribute in vars(saveable).items():
        if key in _TRACKING_CONTAINERS:
            continue  # these hold every sublayer, attributes included: not a user's list
        if isinstance(attribute, (list, tuple)) and any(item is value for item in attribute):
            return True
        if isinstance(attribute, dict) and any(item is value for item in attribute.values()):
            return True
    return False


def _children(saveable):
    object_type = _object_type(saveable)
    if object_type == "Optimizer":
        # An optimizer's state is its own `variables`; as Keras, a wrapped optimizer (a
        # LossScaleOptimizer's) is written again under its attribute name.
        inner = getattr(saveable, "inner_optimizer", None)
        if inner is not None and is_optimizer(inner):
            yield "inner_optimizer", inner
        return
    if object_type in ("Sequential", "Functional"):
        # The layers come first so that the graph's own state takes precedence over
        # extra attributes of a subclass.
        yield "layers", list(saveable.layers)
    skipped = _skipped_attributes(object_type)
    for name in sorted(dir(saveable), key=_private_last):
        if name.startswith("__") or name in skipped:
            continue
        try:
            value = getattr(saveable, name)
        except Exception:  # a property may raise before the model is built or compiled
            continue
        if isinstance(value, Layer) and _held_in_container(saveable, name, value):
            continue
        yield name, value


def _is_saveable(value) -> bool:
    return isinstance(value, Layer) or is_optimizer(value)


def _join(path: str, name: str) -> str:
    return f"{path}/{name}" if path else name


def _own_variables(saveable) -> list:
    if is_optimizer(saveable):
        return list(saveable.variables)
    return list(saveable._trainable_variables) + list(saveable._non_trainable_variables)


def _visit(saveable, path: str, visited: set, found: list) -> None:
    if id(saveable) in visited:
        return
    visited.add(id(saveable))
    found.append(SavedObject(path, saveable, _own_variables(saveable), is_optimizer(saveable)))
    for name, value in _children(saveable):
        if _is_saveable(value):
            _visit(value, _join(path, name), visited, found)
        elif isinstance(value, (list, tuple, dict, set)):
            _visit_container(value, _join(path, name), visited, found)


def _visit_container(container, path: str, visited: set, found: list) -> None:
    items = container.values() if isinstance(container, dict) else container
    used: dict = {}
    for item in items:
        if not _is_saveable(item):
            continue
        name = to_snake_case(type(item).__name__)
        if name in used:
            used[name] += 1
            name = f"{name}_{used[name]}"
        else:
            used[name] = 0
        _visit(item, _join(path, name), visited, found)


def saved_objects(model) -> list:
    """Every object whose variables a weights file holds, in Keras's visiting order."""
    found: list = []
    _visit(model, "", set(), found)
    return found


__all__ = [
    "CustomLoad",
    "SavedObject",
    "is_optimizer",
    "saved_objects",
    "saved_store",
    "to_snake_case",
]
