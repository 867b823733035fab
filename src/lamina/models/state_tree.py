"""A model's variables as nested dictionaries keyed by their paths, as Keras's
``Model.get_state_tree`` / ``set_state_tree``.

The tree has four groups, ``trainable_variables``, ``non_trainable_variables``,
``optimizer_variables`` and ``metrics_variables``; inside each, a variable whose path is
``"dense/kernel"`` sits at ``tree[group]["dense"]["kernel"]``.
"""

from __future__ import annotations

import numpy as np

GROUPS = ("trainable_variables", "non_trainable_variables", "optimizer_variables",
          "metrics_variables")  # fmt: skip
VALUE_FORMATS = ("backend_tensor", "numpy_array")


def _group_variables(model, group: str) -> list:
    if group == "optimizer_variables":
        optimizer = getattr(model, "optimizer", None)
        return list(optimizer.variables) if optimizer is not None else []
    return list(getattr(model, group))


def _nest(variables, value_format: str) -> dict:
    nested: dict = {}
    seen = set()
    for variable in variables:
        if variable.path in seen:
            raise ValueError(
                f"get_state_tree: the variable path {variable.path!r} occurs twice; the state "
                "tree needs unique paths. Give your layers (and other objects) unique names."
            )
        seen.add(variable.path)
        *parents, leaf = variable.path.split("/")
        node = nested
        for part in parents:
            node = node.setdefault(part, {})
        node[leaf] = variable.numpy() if value_format == "numpy_array" else variable.value
    return nested


def _flatten(nested: dict, prefix: str = "") -> dict:
    flat = {}
    for key, value in nested.items():
        if isinstance(value, dict):
            flat.update(_flatten(value, f"{prefix}{key}/"))
        else:
            flat[f"{prefix}{key}"] = value
    return flat


def get_state_tree(model, value_format: str = "backend_tensor") -> dict:
    """The model's variables, by group and then by path (see the module docstring)."""
    if value_format not in VALUE_FORMATS:
        raise ValueError(
            f"get_state_tree: value_format must be one of {VALUE_FORMATS}; received "
            f"value_format={value_format!r}."
        )
    return {group: _nest(_group_variables(model, group), value_format) for group in GROUPS}


def set_state_tree(model, state_tree: dict) -> None:
    """Assign the values of ``state_tree`` (shaped as ``get_state_tree``'s) to the variables.

    Groups may be left out. As in Keras, a group the model has no variables for (no
    optimizer, no metrics yet) is skipped, and so is a path that names none of the model's
    variables (an optimizer of another model is ``adam_1``, not ``adam``). Unknown groups and
    shape mismatches raise before any variable changes.
    """
    if not isinstance(state_tree, dict):
        raise TypeError(
            f"set_state_tree: state_tree must be a dict; received {type(state_tree).__name__}."
        )
    assignments = []
    for group, nested in state_tree.items():
        if group not in GROUPS:
            raise ValueError(
                f"set_state_tree: unknown group {group!r}; expected keys among {GROUPS}."
            )
        variables = {variable.path: variable for variable in _group_variables(model, group)}
        if not variables:
            continue
        values = {path: value for path, value in _flatten(nested).items() if path in variables}
        for path, value in values.items():
            shape = tuple(getattr(value, "shape", None) or np.shape(value))
            if shape != tuple(variables[path].shape):
                raise ValueError(
                    f"set_state_tree: {group} {path!r} has shape {tuple(variables[path].shape)}; "
                    f"received a value of shape {shape}."
                )
            assignments.append((variables[path], value))
    for variable, value in assignments:
        variable.assign(value)
