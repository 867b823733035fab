"""``saving.KerasFileEditor``: look inside a ``.keras`` / ``.weights.h5`` file, compare it
with a model, edit its weights (rename, delete, add) and write a new ``.weights.h5``.

The file is read through the same checked paths as loading (``archive.read_archive`` and
``h5_safety.open_h5``: no links, no external storage), and the arrays it holds are read
into memory only up to ``MAX_BYTES`` in all. Weights live in ``weights_dict``: nested dicts
following the file's groups, each object's ``vars`` group folded into the object's own
entry (``{"layers": {"dense": {"0": kernel, "1": bias}}}``), as Keras's editor shows them.
"""

from __future__ import annotations

import collections
import math
import os
import tempfile

import h5py
import numpy as np

from lamina import backend
from lamina.saving import h5_safety
from lamina.saving.archive import WEIGHTS_FILENAME, parse_json, read_archive
from lamina.saving.errors import SavedFileError
from lamina.saving.object_walk import saved_objects, saved_store
from lamina.utils import io_utils

MAX_BYTES = 1 << 32  # 4 GiB of arrays in all


def _read_group(group, path: str, metadata: dict, budget: list) -> collections.OrderedDict:
    """A group as nested dicts: its ``vars`` datasets folded into its own entry, then its
    other members; objects without weights are left out."""
    if group.attrs:
        metadata[path] = {key: _attribute(value) for key, value in group.attrs.items()}
    result: collections.OrderedDict = collections.OrderedDict()
    vars_group = group["vars"] if isinstance(group.get("vars"), h5py.Group) else None
    if vars_group is not None:
        for key in vars_group:
            result[key] = _read_dataset(vars_group[key], f"{path}/vars/{key}", budget)
    for key in group:
        if vars_group is not None and key == "vars":
            continue
        item = group[key]
        child_path = f"{path}/{key}" if path else key
        if isinstance(item, h5py.Group):
            inner = _read_group(item, child_path, metadata, budget)
            if inner:
                result[key] = inner
        else:
            result[key] = _read_dataset(item, child_path, budget)
    return result


def _read_dataset(item, path: str, budget: list):
    if not isinstance(item, h5py.Dataset):
        raise SavedFileError(f"{path}: expected an array in the weights file.")
    budget[0] -= math.prod(item.shape) * item.dtype.itemsize
    if budget[0] < 0:
        raise SavedFileError(
            f"{path}: the file's arrays exceed the editor's limit of {MAX_BYTES} bytes."
        )
    return item[()]


def _attribute(value):
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    if isinstance(value, np.generic):
        return value.item()
    return value


def _model_spec(model) -> collections.OrderedDict:
    """The model's weights as ``weights_dict`` would hold them (values: shapes only)."""
    spec: collections.OrderedDict = collections.OrderedDict()
    for saved in saved_objects(model):
        if saved.custom_io:
            arrays = {key: tuple(np.shape(value)) for key, value in saved_store(saved).items()}
        else:
            arrays = {str(i): tuple(v.shape) for i, v in enumerate(saved.variables)}
        if not arrays:
            continue
        node = spec
        for part in [p for p in saved.path.split("/") if p]:
            node = node.setdefault(part, collections.OrderedDict())
        node.update(arrays)
    return spec


class KerasFileEditor:
    """Inspect, compare and edit the weights of a ``.keras`` or ``.weights.h5`` file.

    >>> editor = KerasFileEditor("model.weights.h5")
    >>> editor.summary()
    >>> editor.rename_object("dense_3", "dense_4")
    >>> editor.add_object("layers/dense_5", weights={"0": kernel, "1": bias})
    >>> editor.save("edited.weights.h5")
    """

    def __init__(self, filepath):
        self.filepath = str(filepath)
        self.config = None
        self.metadata = None
        budget = [MAX_BYTES]
        metadata: dict = {}
        if self.filepath.endswith(".keras"):
            with tempfile.TemporaryDirectory() as folder:
                members = read_archive(self.filepath, folder)
                self.config = parse_json(self.filepath, "config.json", members.config)
                if members.metadata is not None:
                    self.metadata = parse_json(self.filepath, "metadata.json", members.metadata)
                if members.weights_name != WEIGHTS_FILENAME:
                    raise SavedFileError(
                        f"{self.filepath}: KerasFileEditor edits HDF5 weights; this archive "
                        f"holds {members.weights_name}."
                    )
                with (
                    members.open_weights() as source,
                    h5_safety.open_h5(
                        source, f"{self.filepath}: {members.weights_name}"
                    ) as h5_file,
                ):
                    self.weights_dict = _read_group(h5_file, "", metadata, budget)
        elif self.filepath.endswith(".weights.h5"):
            with h5_safety.open_h5(self.filepath, self.filepath) as h5_file:
                self.weights_dict = _read_group(h5_file, "", metadata, budget)
        else:
            raise ValueError(
                "KerasFileEditor: expected a path ending in .keras or .weights.h5; received "
                f"filepath={self.filepath!r}."
            )
        self.object_metadata = metadata
        heading = f"Keras model file '{self.filepath}'"
        if self.metadata:
            heading += (
                f"\nSaved with Keras {self.metadata.get('keras_version', '?')} - date: "
                f"{self.metadata.get('date_saved', '?')}"
            )
        io_utils.print_msg(heading)

    # ---- looking ------------------------------------------------------------------------

    def summary(self) -> None:
        """Print the file's objects and weights (shape and dtype) as a tree."""
        lines: list[str] = []

        def walk(node, prefix, path):
            items = list(node.items())
            for index, (key, value) in enumerate(items):
                last = index == len(items) - 1
                connector = "└─ " if last else "├─ "
                child_path = f"{path}/{key}" if path else key
                if isinstance(value, dict):
                    name = self.object_metadata.get(child_path, {}).get("name")
                    lines.append(f"{prefix}{connector}{key}" + (f" ('{name}')" if name else ""))
                    walk(value, prefix + ("    " if last else "│   "), child_path)
                else:
                    array = np.asarray(value)
                    lines.append(
                        f"{prefix}{connector}{key}: shape={array.shape}, dtype={array.dtype}"
                    )

        walk(self.weights_dict, "", "")
        io_utils.print_msg("\n".join(lines) if lines else "(no weights)")

    def compare(self, reference_model) -> dict:
        """List every difference between the file and ``reference_model``'s weights (a
        missing object or weight, a shape mismatch). Returns ``{"status": "success" or
        "error", "error_count": n, "match_count": m}``."""
        reference = _model_spec(reference_model)
        errors: list[str] = []
        matches = 0

        def walk(saved, ref, path):
            nonlocal matches
            for key in list(ref) + [k for k in saved if k not in ref]:
                child = f"{path}/{key}" if path else key
                if key not in saved:
                    kind = "Object" if isinstance(ref[key], dict) else "Weight"
                    errors.append(f"{kind} {child} is in the reference model, not in the file")
                elif key not in ref:
                    kind = "Object" if isinstance(saved[key], dict) else "Weight"
                    errors.append(f"{kind} {child} is in the file, not in the reference model")
                elif isinstance(ref[key], dict) != isinstance(saved[key], dict):
                    errors.append(f"{child} is an object on one side and a weight on the other")
                elif isinstance(ref[key], dict):
                    walk(saved[key], ref[key], child)
                elif tuple(np.shape(saved[key])) != tuple(ref[key]):
                    errors.append(
                        f"Weight shape mismatch for {child}: reference model "
                        f"{tuple(ref[key])}, file {tuple(np.shape(saved[key]))}"
                    )
                else:
                    matches += 1

        walk(self.weights_dict, reference, "")
        for line in errors:
            io_utils.print_msg(f"...{line}")
        if errors:
            io_utils.print_msg(
                f"Found {len(errors)} error(s): the file does not fit the reference model"
            )
        else:
            io_utils.print_msg(
                f"Comparison successful: the file fits the reference model ({matches} "
                "matching weights)"
            )
        return {
            "status": "error" if errors else "success",
            "error_count": len(errors),
            "match_count": matches,
        }

    # ---- editing ------------------------------------------------------------------------

    def _locate(self, object_name: str):
        """(parent dict, key) of an object given by path (``layers/dense``) or by a name
        that occurs exactly once anywhere in the tree."""
        if "/" in object_name:
            parts = object_name.split("/")
            node = self.weights_dict
            for part in parts[:-1]:
                if not isinstance(node.get(part), dict):
                    raise ValueError(f"KerasFileEditor: path {object_name!r} is not in the file.")
                node = node[part]
            if parts[-1] not in node:
                raise ValueError(f"KerasFileEditor: path {object_name!r} is not in the file.")
            return node, parts[-1]
        found = []

        def search(node):
            for key, value in node.items():
                if key == object_name:
                    found.append((node, key))
                if isinstance(value, dict):
                    search(value)

        search(self.weights_dict)
        if not found:
            raise ValueError(
                f"KerasFileEditor: no object named {object_name!r} in the file; summary() "
                "lists them."
            )
        if len(found) > 1:
            raise ValueError(
                f"KerasFileEditor: the name {object_name!r} occurs {len(found)} times; give "
                "its full path (say 'layers/dense')."
            )
        return found[0]

    @staticmethod
    def _check_weights(weights) -> dict:
        if not isinstance(weights, dict):
            raise ValueError(
                "KerasFileEditor: weights must be a dict of weight names ('0', '1'…) to "
                f"arrays; received {type(weights).__name__}."
            )
        return {str(key): backend.convert_to_numpy(value) for key, value in weights.items()}

    def rename_object(self, object_name, new_name) -> None:
        """Rename an object (``"dense_2"`` or ``"layers/dense_2"``) to ``new_name`` (a
        leaf name, not a path)."""
        if "/" in new_name:
            raise ValueError(
                f"KerasFileEditor: new_name must be a leaf name, not a path; received {new_name!r}."
            )
        parent, key = self._locate(object_name)
        if new_name in parent:
            raise ValueError(f"KerasFileEditor: {new_name!r} already exists beside {key!r}.")
        parent[new_name] = parent.pop(key)

    def delete_object(self, object_name) -> None:
        """Remove an object and its weights."""
        parent, key = self._locate(object_name)
        del parent[key]

    def add_object(self, object_path, weights) -> None:
        """Add an object at ``object_path`` (``"layers/dense_5"``) holding ``weights``
        (``{"0": kernel, "1": bias}``)."""
        weights = self._check_weights(weights)
        parts = str(object_path).split("/")
        node = self.weights_dict
        for part in parts[:-1]:
            if not isinstance(node.get(part), dict):
                raise ValueError(
                    f"KerasFileEditor: path {'/'.join(parts[:-1])!r} is not in the file."
                )
            node = node[part]
        if parts[-1] in node:
            raise ValueError(f"KerasFileEditor: {object_path!r} already exists.")
        node[parts[-1]] = collections.OrderedDict(weights)

    def delete_weight(self, object_name, weight_name) -> None:
        """Remove one weight (``"0"``) from an object."""
        parent, key = self._locate(object_name)
        if weight_name not in parent[key]:
            raise ValueError(
                f"KerasFileEditor: weight {weight_name!r} is not in {object_name!r}; it holds "
                f"{list(parent[key])}."
            )
        del parent[key][weight_name]

    def add_weights(self, object_name, weights) -> None:
        """Add weights (``{"2": array}``) to an existing object."""
        weights = self._check_weights(weights)
        parent, key = self._locate(object_name)
        parent[key].update(weights)

    # ---- writing ------------------------------------------------------------------------

    def save(self, filepath) -> None:
        """Write the edited weights to a new ``.weights.h5`` file (Keras's layout: each
        object's arrays in its ``vars`` group)."""
        filepath = str(filepath)
        if not filepath.endswith(".weights.h5"):
            raise ValueError(
                f"KerasFileEditor.save: expected a path ending in .weights.h5; received "
                f"filepath={filepath!r}."
            )
        partial = f"{filepath}.partial"
        try:
            with h5py.File(partial, "w") as h5_file:
                self._write(h5_file, self.weights_dict, "")
            os.replace(partial, filepath)
        finally:
            if os.path.exists(partial):
                os.remove(partial)

    resave_weights = save

    def _write(self, h5_file, node, path: str) -> None:
        arrays = {key: value for key, value in node.items() if not isinstance(value, dict)}
        if arrays:
            group = h5_file.require_group(f"{path}/vars" if path else "vars")
            for key, value in arrays.items():
                group.create_dataset(key, data=np.asarray(value))
        for key, value in node.items():
            if isinstance(value, dict) and value:
                child = f"{path}/{key}" if path else key
                group = h5_file.require_group(child)
                for name, attribute in self.object_metadata.get(child, {}).items():
                    group.attrs[name] = attribute
                self._write(h5_file, value, child)

    def __repr__(self) -> str:
        return f"KerasFileEditor({self.filepath!r})"


__all__ = ["KerasFileEditor"]
