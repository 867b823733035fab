"""Keras 2's HDF5 weights layout (``model.save_weights("w.h5")``, Keras's published weight
files, the ``model_weights`` group of a whole-model ``.h5``): reading it into a model.

The layout (keras/src/legacy/saving/legacy_h5_format.py writes it) is one group per layer,
named by the layer, listed in order by the ``layer_names`` attribute of the top group; each
layer group's ``weight_names`` attribute lists its datasets (``conv1/kernel:0``: a path
inside the layer group) in the legacy order, trainable weights first. An attribute too long
for an HDF5 object header is split over ``layer_names0``, ``layer_names1``… A
``top_level_model_weights`` group holds the model's own variables. Loading matches layers
by position (the model's layers that have weights, in order, against the file's layers that
have weights) or, with ``by_name=True``, by name.

As for Keras 3's layout, the file is opened through ``h5_safety`` and checked whole
against the model (counts and shapes) before any value is read; nothing is assigned until
every value has been read, so a file that does not fit leaves the model as it was.
"""

from __future__ import annotations

import warnings

import h5py
import numpy as np

from lamina.saving import h5_safety
from lamina.saving.errors import SavedFileError
from lamina.saving.h5_safety import read_dataset

TOP_LEVEL_GROUP = "top_level_model_weights"


def is_legacy_layout(h5_file) -> bool:
    """Whether an open HDF5 file has Keras 2's layout (weights at the top or in
    ``model_weights``)."""
    return (
        "layer_names" in h5_file.attrs
        or "layer_names0" in h5_file.attrs
        or (isinstance(h5_file.get("model_weights"), h5py.Group))
    )


def weights_group(h5_file, label: str):
    """The group holding ``layer_names``: the file itself, or its ``model_weights``."""
    if "layer_names" in h5_file.attrs or "layer_names0" in h5_file.attrs:
        return h5_file
    group = h5_file.get("model_weights")
    if isinstance(group, h5py.Group):
        return group
    raise SavedFileError(
        f"{label} has no Keras 2 weights: neither a `layer_names` attribute nor a "
        "`model_weights` group."
    )


def _as_text(value, label: str, name: str) -> str:
    if isinstance(value, bytes | np.bytes_):
        try:
            return bytes(value).decode("utf-8")
        except UnicodeDecodeError:
            raise SavedFileError(
                f"{label}: attribute `{name}` holds a name that is not UTF-8."
            ) from None
    if isinstance(value, str):
        return value
    raise SavedFileError(f"{label}: attribute `{name}` holds {type(value).__name__}, not names.")


def read_name_list(group, name: str, label: str) -> list:
    """A name-list attribute, whole or in numbered chunks; [] when absent."""
    if name in group.attrs:
        chunks = [group.attrs[name]]
    else:
        chunks, index = [], 0
        while f"{name}{index}" in group.attrs:
            chunks.append(group.attrs[f"{name}{index}"])
            index += 1
    names: list[str] = []
    for chunk in chunks:
        values = np.asarray(chunk)
        if values.ndim != 1:
            raise SavedFileError(f"{label}: attribute `{name}` is not a list of names.")
        if values.size and values.dtype.kind not in "OSU":
            raise SavedFileError(
                f"{label}: attribute `{name}` holds {values.dtype} values, not names."
            )
        names.extend(_as_text(value, label, name) for value in values)
    return names


def _child(group, name: str, kind, label: str):
    found = group.get(name) if name and not name.startswith("/") else None
    if not isinstance(found, kind):
        what = "group" if kind is h5py.Group else "dataset"
        raise SavedFileError(f"{label}: {group.name} lists {name!r}, but has no such {what}.")
    return found


def saved_layer_datasets(group, label: str) -> list:
    """The datasets a layer group lists in its ``weight_names``, in that order."""
    return [
        _child(group, name, h5py.Dataset, label)
        for name in read_name_list(group, "weight_names", label)
    ]


def saved_layers(group, label: str) -> list:
    """``(name, [dataset, ...])`` for each layer the file lists, in its order."""
    return [
        (name, saved_layer_datasets(_child(group, name, h5py.Group, label), label))
        for name in read_name_list(group, "layer_names", label)
    ]


def legacy_weights(layer) -> list:
    """A layer's variables in Keras 2's saved order: trainable, then non-trainable."""
    return list(layer.trainable_weights) + list(layer.non_trainable_weights)


def _model_own_variables(model) -> list:
    own = getattr(model, "_all_own_variables", None)
    return list(own()) if own is not None else []


class _Plan:
    """Collects ``(variable, dataset)`` pairs and the problems found while matching."""

    def __init__(self, skip_mismatch: bool):
        self.skip_mismatch = skip_mismatch
        self.pairs: list = []
        self.problems: list = []
        self.skipped: list = []

    def mismatch(self, message: str) -> None:
        (self.skipped if self.skip_mismatch else self.problems).append(message)

    def match(self, where: str, variables: list, datasets: list, count_is_fatal: bool) -> None:
        if len(variables) != len(datasets):
            message = (
                f"{where} expects {len(variables)} weight(s), but the file holds "
                f"{len(datasets)} for it."
            )
            if count_is_fatal:
                self.problems.append(message)
            else:
                self.mismatch(message)
            return
        for variable, dataset in zip(variables, datasets):
            expected, found = tuple(variable.shape), tuple(dataset.shape)
            if expected != found:
                self.mismatch(
                    f"{where}: weight {variable.path!r} expects shape {expected}, but the "
                    f"file holds shape {found} at {dataset.name}."
                )
            else:
                self.pairs.append((variable, dataset))


def _plan_by_position(group, model, label: str, plan: _Plan) -> None:
    layers = [layer for layer in model.layers if legacy_weights(layer)]
    saved = [(name, datasets) for name, datasets in saved_layers(group, label) if datasets]
    if len(layers) != len(saved):
        plan.problems.append(
            f"the model has {len(layers)} layers with weights, but the file holds weights for "
            f"{len(saved)} layers. Load by layer name with `by_name=True` if the models differ."
        )
        return
    for index, (layer, (name, datasets)) in enumerate(zip(layers, saved)):
        where = f"layer #{index} ({layer.name!r} in the model, {name!r} in the file)"
        plan.match(where, legacy_weights(layer), datasets, count_is_fatal=True)


def _plan_by_name(group, model, label: str, plan: _Plan) -> None:
    by_name: dict = {}
    for layer in model.layers:
        by_name.setdefault(layer.name, []).append(layer)
    for name, datasets in saved_layers(group, label):
        for layer in by_name.get(name, []):
            plan.match(f"layer {name!r}", legacy_weights(layer), datasets, count_is_fatal=False)


def _plan_top_level(group, model, label: str, plan: _Plan, by_name: bool) -> None:
    top = group.get(TOP_LEVEL_GROUP)
    if not isinstance(top, h5py.Group):
        return
    datasets = saved_layer_datasets(top, label)
    variables = _model_own_variables(model)
    if datasets or variables:
        plan.match("the model's own weights", variables, datasets, count_is_fatal=not by_name)


def plan_legacy_weights(group, model, label: str, by_name=False, skip_mismatch=False) -> list:
    """Checks a Keras 2 weights group against ``model`` without reading any value; returns
    the ``(variable, dataset)`` pairs to read. Raises ``SavedFileError`` listing every
    mismatch (``skip_mismatch=True``: warns and leaves those weights out; a layer count that
    differs in position order is never skipped, as in Keras)."""
    plan = _Plan(skip_mismatch)
    if by_name:
        _plan_by_name(group, model, label, plan)
    else:
        _plan_by_position(group, model, label, plan)
    _plan_top_level(group, model, label, plan, by_name)
    if plan.problems:
        raise SavedFileError(
            f"Cannot load the Keras 2 weights in {label} into model {model.name!r}:\n"
            + "\n".join(plan.problems)
        )
    if plan.skipped:
        warnings.warn(
            f"Skipped loading some weights from {label} (skip_mismatch=True):\n"
            + "\n".join(plan.skipped),
            stacklevel=4,
        )
    return plan.pairs


def read_legacy_weights(group, model, label: str, by_name=False, skip_mismatch=False) -> list:
    """Every ``(variable, value)`` pair, all read (after the whole check) before any is
    returned."""
    pairs = plan_legacy_weights(group, model, label, by_name, skip_mismatch)
    return [(variable, read_dataset(dataset)) for variable, dataset in pairs]


def load_legacy_weights(model, filepath: str, by_name=False, skip_mismatch=False) -> None:
    """Loads a Keras 2 HDF5 weights file (or a whole-model ``.h5``'s weights) into
    ``model``; all or nothing."""
    with h5_safety.open_h5(filepath, filepath) as h5_file:
        group = weights_group(h5_file, filepath)
        pairs = read_legacy_weights(group, model, filepath, by_name, skip_mismatch)
    for variable, value in pairs:
        variable.assign(value)


__all__ = [
    "is_legacy_layout",
    "legacy_weights",
    "load_legacy_weights",
    "plan_legacy_weights",
    "read_legacy_weights",
    "read_name_list",
    "saved_layer_datasets",
    "saved_layers",
    "weights_group",
]
