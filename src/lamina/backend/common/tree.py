"""Nested structures (lists, tuples, dicts of tensors): flatten, map, rebuild.

Dicts flatten in sorted-key order, as Keras (and optree) do, so a dict of outputs lines up
with a dict of targets whatever order the user wrote them in.
"""

from __future__ import annotations


def is_nested(structure) -> bool:
    return isinstance(structure, (list, tuple, dict))


def flatten(structure) -> list:
    if isinstance(structure, dict):
        flat = []
        for key in sorted(structure):
            flat.extend(flatten(structure[key]))
        return flat
    if isinstance(structure, (list, tuple)):
        flat = []
        for item in structure:
            flat.extend(flatten(item))
        return flat
    return [structure]


def pack_sequence_as(structure, flat):
    flat = list(flat)
    result, position = _pack(structure, flat, 0)
    if position != len(flat):
        raise ValueError(
            f"pack_sequence_as: the structure holds {position} leaves; received {len(flat)}."
        )
    return result


def _pack(structure, flat, position):
    if isinstance(structure, dict):
        packed = {}
        for key in sorted(structure):
            packed[key], position = _pack(structure[key], flat, position)
        return {key: packed[key] for key in structure}, position
    if isinstance(structure, (list, tuple)):
        items = []
        for item in structure:
            value, position = _pack(item, flat, position)
            items.append(value)
        if isinstance(structure, tuple) and hasattr(structure, "_fields"):
            return type(structure)(*items), position
        return type(structure)(items), position
    return flat[position], position + 1


def map_structure(function, *structures):
    first = structures[0]
    if isinstance(first, dict):
        return {key: map_structure(function, *(s[key] for s in structures)) for key in first}
    if isinstance(first, (list, tuple)):
        items = [map_structure(function, *parts) for parts in zip(*structures)]
        if isinstance(first, tuple) and hasattr(first, "_fields"):
            return type(first)(*items)
        return type(first)(items)
    return function(*structures)
