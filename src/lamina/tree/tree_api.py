"""Nested structures as Keras 3's ``keras.tree``: lists, tuples, namedtuples, deques and
mappings nest; everything else (``None``, strings, arrays, tensors) is a leaf.

Plain dicts are visited in sorted-key order and rebuilt in their own key order;
``OrderedDict`` keeps its insertion order (as Keras's optree-backed tree does). A path is a
tuple of keys and indices (namedtuples use indices, not field names).
"""

from __future__ import annotations

import collections
from collections.abc import Mapping


class _MapToNone:
    """Returned by a ``traverse`` function to replace a sub-tree with ``None``."""

    def __repr__(self):
        return "MAP_TO_NONE"


MAP_TO_NONE = _MapToNone()


def _is_namedtuple(value) -> bool:
    return isinstance(value, tuple) and hasattr(type(value), "_fields")


def is_nested(structure) -> bool:
    """True for a list, tuple, namedtuple, deque or mapping; False for a leaf."""
    return isinstance(structure, (list, tuple, collections.deque, Mapping))


def _keys(structure) -> list:
    """The child keys of a nested value, in visiting order."""
    if isinstance(structure, Mapping):
        if isinstance(structure, collections.OrderedDict):
            return list(structure)
        try:
            return sorted(structure)
        except TypeError as error:
            raise TypeError(
                f"keys of a dict in a nested structure must be sortable; received keys "
                f"{list(structure)!r}."
            ) from error
    return list(range(len(structure)))


def _children(structure) -> list:
    if isinstance(structure, Mapping):
        return [structure[key] for key in _keys(structure)]
    return list(structure)


def _rebuild(structure, children: list, keep_key_order: bool = True):
    """A value of ``structure``'s type holding ``children`` (in ``_keys`` order). A mapping
    keeps its own key order, or with ``keep_key_order=False`` takes the visiting order
    (sorted keys): Keras's ``map_structure`` keeps the order, its ``pack_sequence_as`` and
    ``traverse`` sort."""
    if isinstance(structure, Mapping):
        by_key = dict(zip(_keys(structure), children))
        ordered = [(key, by_key[key]) for key in (structure if keep_key_order else by_key)]
        if isinstance(structure, collections.defaultdict):
            return collections.defaultdict(structure.default_factory, ordered)
        try:
            return type(structure)(ordered)  # type: ignore[call-arg]
        except TypeError:
            return dict(ordered)
    if _is_namedtuple(structure):
        return type(structure)(*children)
    if isinstance(structure, collections.deque):
        return collections.deque(children, maxlen=structure.maxlen)
    try:
        return type(structure)(children)
    except TypeError:
        return list(children) if isinstance(structure, list) else tuple(children)


def flatten(structure) -> list:
    """The leaves of ``structure``, depth first (``flatten(None) == [None]``)."""
    if not is_nested(structure):
        return [structure]
    leaves: list = []
    for child in _children(structure):
        leaves.extend(flatten(child))
    return leaves


def flatten_with_path(structure) -> list:
    """``[(path, leaf), ...]``; a path is the tuple of keys/indices leading to the leaf."""
    found: list = []

    def visit(value, path):
        if not is_nested(value):
            found.append((path, value))
            return
        for key, child in zip(_keys(value), _children(value)):
            visit(child, (*path, key))

    visit(structure, ())
    return found


def _structure_error(a, b, detail: str) -> ValueError:
    return ValueError(
        f"The two structures don't have the same nested structure: {detail}.\n"
        f"First structure: {a!r}\nSecond structure: {b!r}"
    )


def _same_node_type(a, b) -> bool:
    if isinstance(a, Mapping) and isinstance(b, Mapping):
        return True  # dict, OrderedDict and defaultdict match when their keys do
    if _is_namedtuple(a) or _is_namedtuple(b):
        return type(a) is type(b)
    for kind in (list, tuple, collections.deque):
        if isinstance(a, kind) or isinstance(b, kind):
            return isinstance(a, kind) and isinstance(b, kind)
    return False


def _check_same(a, b, root_a, root_b, loose: bool = False):
    if not is_nested(a) or not is_nested(b):
        if is_nested(a) != is_nested(b):
            raise _structure_error(root_a, root_b, f"{a!r} and {b!r} differ in nesting")
        return
    if not loose and not _same_node_type(a, b):
        raise _structure_error(
            root_a, root_b, f"{type(a).__name__} and {type(b).__name__} are different types"
        )
    if isinstance(a, Mapping) != isinstance(b, Mapping):
        raise _structure_error(root_a, root_b, "a mapping and a sequence")
    if isinstance(a, Mapping):
        if set(a) != set(b):
            raise _structure_error(root_a, root_b, f"keys {sorted(a)} and {sorted(b)} differ")
    elif len(a) != len(b):
        raise _structure_error(root_a, root_b, f"lengths {len(a)} and {len(b)} differ")
    for child_a, child_b in zip(_children(a), _children(b)):
        _check_same(child_a, child_b, root_a, root_b, loose)


def assert_same_structure(a, b, check_types=None):
    """Raise ValueError unless ``a`` and ``b`` nest the same way with the same container
    types (dict kinds match each other; list, tuple, namedtuple and deque do not).
    ``check_types`` is accepted for compatibility and has no effect, as in Keras."""
    del check_types
    _check_same(a, b, a, b)


def assert_same_paths(a, b):
    """Raise ValueError unless ``a`` and ``b`` have the same set of leaf paths (container
    types are ignored)."""
    paths_a = {path for path, _ in flatten_with_path(a)}
    paths_b = {path for path, _ in flatten_with_path(b)}
    if paths_a != paths_b:
        raise ValueError(
            "The two structures don't have the same paths. Only in the first: "
            f"{sorted(paths_a - paths_b, key=repr)}; only in the second: "
            f"{sorted(paths_b - paths_a, key=repr)}."
        )


def map_structure(func, *structures, none_is_leaf=True):
    """``func`` applied leaf-wise over structures of the same layout."""
    if not callable(func):
        raise TypeError(f"map_structure: func must be callable; received {func!r}.")
    if not structures:
        raise TypeError("map_structure: at least one structure is required.")
    for other in structures[1:]:
        assert_same_structure(structures[0], other)

    def apply(*values):
        first = values[0]
        if not is_nested(first):
            if first is None and not none_is_leaf:
                return None
            return func(*values)
        columns = zip(*(_children(value) for value in values))
        return _rebuild(first, [apply(*column) for column in columns])

    return apply(*structures)


def map_structure_up_to(shallow_structure, func, *structures):
    """``func`` applied to the sub-structures of ``structures`` found at the leaves of
    ``shallow_structure``; deeper nesting is passed to ``func`` whole."""
    if not callable(func):
        raise TypeError(f"map_structure_up_to: func must be callable; received {func!r}.")
    if not structures:
        raise TypeError("map_structure_up_to: at least one structure is required.")

    def apply(shallow, values):
        if not is_nested(shallow):
            return func(*values)
        for value in values:
            if not is_nested(value):
                raise _structure_error(
                    shallow, value, "the structure is shallower than shallow_structure"
                )
            if isinstance(shallow, Mapping):
                if not isinstance(value, Mapping) or set(shallow) != set(value):
                    raise _structure_error(shallow, value, "keys differ")
            elif len(shallow) != len(value):
                raise _structure_error(shallow, value, "lengths differ")
        columns = zip(*(_children(value) for value in values))
        children = [
            apply(child, list(column)) for child, column in zip(_children(shallow), columns)
        ]
        return _rebuild(shallow, children)

    return apply(shallow_structure, list(structures))


def pack_sequence_as(structure, flat_sequence):
    """``flat_sequence`` (leaves in ``flatten`` order) rebuilt in ``structure``'s shape."""
    try:
        flat = list(flat_sequence)
    except TypeError as error:
        raise TypeError(
            f"pack_sequence_as: flat_sequence must be iterable; received {flat_sequence!r}."
        ) from error
    position = 0

    def pack(value):
        nonlocal position
        if not is_nested(value):
            if position >= len(flat):
                raise ValueError(
                    f"pack_sequence_as: the structure holds more leaves than the {len(flat)} given."
                )
            position += 1
            return flat[position - 1]
        return _rebuild(value, [pack(child) for child in _children(value)], False)

    packed = pack(structure)
    if position != len(flat):
        raise ValueError(
            f"pack_sequence_as: the structure holds {position} leaves; received {len(flat)}."
        )
    return packed


def traverse(func, structure, top_down=True):
    """Apply ``func`` to every sub-structure, depth first.

    Top-down: a non-None result replaces that sub-tree and stops the descent into it.
    Bottom-up: children first; a non-None result replaces the rebuilt sub-tree. Either way
    ``MAP_TO_NONE`` stands for a ``None`` replacement.
    """
    if not callable(func):
        raise TypeError(f"traverse: func must be callable; received {func!r}.")

    def unwrap(value):
        return None if value is MAP_TO_NONE else value

    def down(value):
        replaced = func(value)
        if replaced is not None:
            return unwrap(replaced)
        if not is_nested(value):
            return value
        return _rebuild(value, [down(child) for child in _children(value)], False)

    def up(value):
        if is_nested(value):
            value = _rebuild(value, [up(child) for child in _children(value)], False)
        replaced = func(value)
        return value if replaced is None else unwrap(replaced)

    return down(structure) if top_down else up(structure)


def lists_to_tuples(structure):
    """The same structure with every list turned into a tuple."""

    def convert(value):
        if isinstance(value, list):
            return tuple(value)
        return None

    return traverse(convert, structure, top_down=False)


def _is_shape(value) -> bool:
    return isinstance(value, (list, tuple)) and all(
        item is None or (isinstance(item, int) and not isinstance(item, bool)) for item in value
    )


def map_shape_structure(func, structure):
    """Like ``map_structure``, with tuples/lists of ints and Nones taken as leaves
    (shapes) and passed to ``func`` whole."""
    if _is_shape(structure) or not is_nested(structure):
        return func(structure)
    return _rebuild(structure, [map_shape_structure(func, child) for child in _children(structure)])
