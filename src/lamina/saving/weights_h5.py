"""Keras 3's ``.weights.h5`` layout: writing a model's variables, and planning a checked read.

The file holds one group per saved object (see ``object_walk``), each with a ``vars`` group
of datasets named ``0``, ``1``…: ``vars`` for the model's own variables,
``layers/dense/vars/0`` for the first Sequential layer's kernel, ``optimizer/vars/0`` for
the optimizer's state. Keras 3 writes no file attributes; neither do we. Files therefore
move between Lamina and Keras 3 both ways.

Reading is planned before anything is read: the file is opened through ``h5_safety`` (which
refuses anything that reaches outside the file), then the layout, the count, dtype and shape
of every variable are checked against the model. Only then are values read, one dataset at
a time. Nothing is ever unpickled: HDF5 datasets hold plain numbers.
"""

from __future__ import annotations

import warnings

import h5py

from lamina import backend
from lamina.saving.errors import SavedFileError
from lamina.saving.h5_safety import read_dataset
from lamina.saving.object_walk import CustomLoad, SavedObject, saved_store


def write_objects(h5_file, objects) -> None:
    """Writes each object's variables to ``<path>/vars/<index>`` of an open HDF5 file, one
    variable at a time (a model is never copied whole into host memory)."""
    for saved in objects:
        group = h5_file.create_group(saved.vars_path)
        if saved.custom_io:
            for key, value in saved_store(saved).items():
                group.create_dataset(key, data=backend.convert_to_numpy(value))
            continue
        for index, variable in enumerate(saved.variables):
            group.create_dataset(str(index), data=backend.convert_to_numpy(variable))


def _check_layout(h5_file, label) -> None:
    """Every dataset must sit in a ``vars`` group (named by its index, or by the key an
    object's own ``save_own_variables`` chose)."""
    if "model_weights" in h5_file or "layer_names" in h5_file.attrs:
        raise SavedFileError(
            f"{label} is a legacy Keras 2 HDF5 weights file (it has `layer_names`/"
            "`model_weights`); only the Keras 3 `.weights.h5` layout can be loaded."
        )
    problems = []

    def check(name, item):
        if isinstance(item, h5py.Dataset):
            parent, _, leaf = name.rpartition("/")
            if parent.rpartition("/")[2] != "vars" or not leaf:
                problems.append(name)

    h5_file.visititems(check)
    if problems:
        raise SavedFileError(
            f"{label} does not have the Keras 3 weights layout: datasets must be "
            f"`<path>/vars/<key>`; found {sorted(set(problems))[:5]}."
        )


def _vars_group(h5_file, saved: SavedObject):
    path = saved.vars_path
    found = h5_file.get(path)
    if isinstance(found, h5py.Group):
        return found
    # Files written by Keras 2.13 name the layer list `_layer_checkpoint_dependencies`.
    if "_layer_checkpoint_dependencies" in h5_file and saved.path.startswith("layers"):
        legacy = h5_file.get("_layer_checkpoint_dependencies" + path[len("layers") :])
        if isinstance(legacy, h5py.Group):
            return legacy
    return None


def _plan_custom(h5_file, saved: SavedObject):
    """An object with its own ``load_own_variables`` gets every dataset of its group, by
    key; the method itself decides what fits."""
    group = _vars_group(h5_file, saved)
    store = {} if group is None else {key: group[key] for key in group}
    if any(not isinstance(dataset, h5py.Dataset) for dataset in store.values()):
        return [], f"{saved.label}: {saved.vars_path} holds a group where datasets belong."
    return [(CustomLoad(saved), store)], None


def _plan_object(h5_file, saved: SavedObject):
    """(pairs, problem): the ``(variable, dataset)`` pairs loading ``saved`` would read, or
    why it cannot be loaded."""
    if saved.custom_io:
        return _plan_custom(h5_file, saved)
    group = _vars_group(h5_file, saved)
    stored = len(group) if group is not None else 0
    expected = len(saved.variables)
    if stored != expected:
        if expected == 0 and not getattr(saved.owner, "built", True):
            return [], (
                f"{saved.label} was never built, so it has no variables, but the file holds "
                f"{stored} for it. Build the model (call it on data) before loading weights."
            )
        names = [variable.name for variable in saved.variables]
        return [], (
            f"{saved.label} expected {expected} variables {names}, but the file holds {stored}."
        )
    pairs = []
    for index, variable in enumerate(saved.variables):
        dataset = group.get(str(index))
        if not isinstance(dataset, h5py.Dataset):
            return [], f"{saved.label}: the file has no dataset {saved.vars_path}/{index}."
        expected_shape, found_shape = tuple(variable.shape), tuple(dataset.shape)
        if expected_shape != found_shape:
            return [], (
                f"{saved.label}: variable {variable.path!r} expects shape {expected_shape}, "
                f"but the file holds shape {found_shape} at {dataset.name}."
            )
        pairs.append((variable, dataset))
    return pairs, None


def _saved_before_first_step(h5_file, saved: SavedObject) -> bool:
    """True when the file holds an optimizer saved before its first step: only its scalar
    counters (iterations, learning rate), which a compile_config restores anyway, so the
    model's own optimizer is left as it is without a warning."""
    group = _vars_group(h5_file, saved)
    if group is None:
        return True
    datasets = [group.get(name) for name in group]
    return len(datasets) < len(saved.variables) and all(
        isinstance(d, h5py.Dataset) and d.shape == () for d in datasets
    )


def plan_objects(h5_file, objects, label, skip_mismatch=False) -> list:
    """Checks an open, safety-checked file against ``objects`` without reading any values;
    returns the ``(variable, dataset)`` pairs to read. A file cannot make us allocate more
    than the model: every shape must match before anything is read."""
    _check_layout(h5_file, label)
    pairs, problems = [], []
    for saved in objects:
        planned, problem = _plan_object(h5_file, saved)
        if problem is None:
            pairs.extend(planned)
        elif saved.is_optimizer and _saved_before_first_step(h5_file, saved):
            pass
        elif saved.is_optimizer:
            # As Keras: an optimizer that does not match (often: not built yet) is skipped.
            warnings.warn(f"Skipping variable loading for {problem}", stacklevel=4)
        else:
            problems.append(problem)
    if problems:
        message = f"Cannot load {label}: {len(problems)} object(s) do not match.\n" + "\n".join(
            problems
        )
        if not skip_mismatch:
            raise SavedFileError(message)
        warnings.warn(message + "\nThese were skipped (skip_mismatch=True).", stacklevel=4)
    return pairs


def read_objects(h5_file, objects, label, skip_mismatch=False) -> list:
    """Checks the whole file against ``objects``, then reads; ``(variable, value)`` pairs."""
    pairs = plan_objects(h5_file, objects, label, skip_mismatch)
    return [(target, read_planned(dataset)) for target, dataset in pairs]


def read_planned(planned):
    """A planned dataset's values, or a custom object's ``{key: values}`` store."""
    if isinstance(planned, dict):
        return {key: read_dataset(dataset) for key, dataset in planned.items()}
    return read_dataset(planned)


__all__ = ["plan_objects", "read_objects", "read_planned", "write_objects"]
