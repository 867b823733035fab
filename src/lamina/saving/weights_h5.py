"""``*.weights.h5`` files in Keras 3's HDF5 layout: ``save_weights`` and ``load_weights``.

The file holds one group per saved object (see ``object_walk``), each with a ``vars``
group of datasets named ``0``, ``1``…: ``vars`` for the model's own variables,
``layers/dense/vars/0`` for the first Sequential layer's kernel, ``optimizer/vars/0`` for
the optimizer's state. Keras 3 writes no file attributes; neither do we. Files therefore
move between Lamina and Keras 3 both ways.

Loading reads and checks everything (HDF5 signature, layout, count and shape of every
variable) before assigning anything, so a bad file leaves the model unchanged. Nothing
is ever unpickled: HDF5 datasets hold plain numbers.
"""

from __future__ import annotations

import io
import os
import tempfile
import warnings
import zipfile

import h5py
import numpy as np

from lamina import backend
from lamina.saving.object_walk import SavedObject, saved_objects

_WEIGHTS_SUFFIX = ".weights.h5"
_ARCHIVE_WEIGHTS = "model.weights.h5"  # the member of a .keras archive
_MAX_ARCHIVE_MEMBER_BYTES = 1 << 36  # 64 GiB: refuse absurd sizes before reading


def save_weights(model, filepath, overwrite=True) -> None:
    """Writes ``model``'s weights (and its optimizer's state) to ``filepath``.

    ``filepath`` must end in ``.weights.h5``. The file is written next to its destination
    under a temporary name, then renamed: an interrupted save never leaves half a file.
    """
    filepath = os.fspath(filepath)
    if not filepath.endswith(_WEIGHTS_SUFFIX):
        raise ValueError(
            "Invalid `filepath` argument: expected a `.weights.h5` extension. "
            f"Received: filepath={filepath}"
        )
    if not overwrite and os.path.exists(filepath):
        raise FileExistsError(f"{filepath} exists and overwrite=False.")
    objects = saved_objects(model)
    directory = os.path.dirname(os.path.abspath(filepath))
    handle, temporary = tempfile.mkstemp(dir=directory, suffix=".tmp.weights.h5")
    os.close(handle)
    try:
        with h5py.File(temporary, "w") as h5_file:
            write_objects(h5_file, objects)
        os.replace(temporary, filepath)
    except BaseException:
        if os.path.exists(temporary):
            os.remove(temporary)
        raise


def write_objects(h5_file, objects) -> None:
    """Writes each object's variables to ``<path>/vars/<index>`` of an open HDF5 file."""
    for saved in objects:
        group = h5_file.create_group(saved.vars_path)
        for index, variable in enumerate(saved.variables):
            group.create_dataset(str(index), data=backend.convert_to_numpy(variable))


def load_weights(model, filepath, skip_mismatch=False) -> None:
    """Loads weights saved by ``save_weights`` (or Keras 3) into ``model``.

    ``filepath`` is a ``.weights.h5`` file, or a ``.keras`` archive whose weights are read.
    Raises ``ValueError`` naming the layer, the expected and the found shapes when the file
    does not fit the model, before any variable changes. With ``skip_mismatch=True``, the
    objects that do not fit are skipped with a warning and the others are loaded.
    """
    filepath = os.fspath(filepath)
    if filepath.endswith(_WEIGHTS_SUFFIX):
        if not os.path.isfile(filepath):
            raise FileNotFoundError(f"No weights file at {filepath}.")
        if not h5py.is_hdf5(filepath):
            raise ValueError(f"{filepath} is not an HDF5 file; it cannot hold Keras weights.")
        with h5py.File(filepath, "r") as h5_file:
            assignments = read_objects(h5_file, saved_objects(model), filepath, skip_mismatch)
    elif filepath.endswith(".keras"):
        with _open_archive_weights(filepath) as h5_file:
            assignments = read_objects(h5_file, saved_objects(model), filepath, skip_mismatch)
    else:
        raise ValueError(
            "Invalid `filepath` argument: expected a `.weights.h5` or `.keras` extension. "
            f"Received: filepath={filepath}"
        )
    for variable, value in assignments:
        variable.assign(value)


def _open_archive_weights(filepath):
    if not zipfile.is_zipfile(filepath):
        raise ValueError(f"{filepath} is not a .keras archive (not a zip file).")
    with zipfile.ZipFile(filepath) as archive:
        try:
            info = archive.getinfo(_ARCHIVE_WEIGHTS)
        except KeyError:
            raise ValueError(f"{filepath} holds no {_ARCHIVE_WEIGHTS}.") from None
        if info.file_size > _MAX_ARCHIVE_MEMBER_BYTES:
            raise ValueError(f"{filepath}: {_ARCHIVE_WEIGHTS} is too large ({info.file_size}).")
        data = archive.read(info)
    if not data.startswith(b"\x89HDF\r\n\x1a\n"):
        raise ValueError(f"{filepath}: {_ARCHIVE_WEIGHTS} is not an HDF5 file.")
    return h5py.File(io.BytesIO(data), "r")


def _check_layout(h5_file, filepath) -> None:
    """Every dataset must sit in a ``vars`` group and be named by its index."""
    if "model_weights" in h5_file or "layer_names" in h5_file.attrs:
        raise ValueError(
            f"{filepath} is a legacy Keras 2 HDF5 weights file (it has `layer_names`/"
            "`model_weights`); only the Keras 3 `.weights.h5` layout can be loaded."
        )
    problems = []

    def check(name, item):
        if isinstance(item, h5py.Dataset):
            parent, _, leaf = name.rpartition("/")
            if parent.rpartition("/")[2] != "vars" or not leaf.isdigit():
                problems.append(name)

    h5_file.visititems(check)
    for name in list(h5_file):
        if isinstance(h5_file[name], h5py.Dataset):
            problems.append(name)
    if problems:
        raise ValueError(
            f"{filepath} does not have the Keras 3 weights layout: datasets must be "
            f"`<path>/vars/<index>`; found {sorted(set(problems))[:5]}."
        )


def _vars_group(h5_file, saved: SavedObject):
    path = saved.vars_path
    if path in h5_file:
        return h5_file[path]
    # Files written by Keras 2.13 name the layer list `_layer_checkpoint_dependencies`.
    if "_layer_checkpoint_dependencies" in h5_file and saved.path.startswith("layers"):
        legacy = "_layer_checkpoint_dependencies" + path[len("layers") :]
        if legacy in h5_file:
            return h5_file[legacy]
    return None


def _read_value(dataset) -> np.ndarray:
    if dataset.attrs.get("dtype") == "bfloat16":
        # Keras stores bfloat16 as its 16 raw bits; widen to float32 without ml_dtypes.
        bits = np.asarray(dataset[()]).view(np.uint16).astype(np.uint32) << 16
        return bits.view(np.float32)
    return np.asarray(dataset[()])


def _plan_object(h5_file, saved: SavedObject):
    """(assignments, problem): what loading ``saved`` would assign, or why it cannot."""
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
    assignments = []
    for index, variable in enumerate(saved.variables):
        dataset = group.get(str(index))
        if not isinstance(dataset, h5py.Dataset):
            return [], f"{saved.label}: the file has no dataset {saved.vars_path}/{index}."
        if dataset.dtype.kind not in "biuf" and dataset.attrs.get("dtype") != "bfloat16":
            return [], f"{saved.label}: dataset {dataset.name} holds non-numeric data."
        expected_shape, found_shape = tuple(variable.shape), tuple(dataset.shape)
        if expected_shape != found_shape:
            return [], (
                f"{saved.label}: variable {variable.path!r} expects shape {expected_shape}, "
                f"but the file holds shape {found_shape} at {dataset.name}."
            )
    # Read only once every shape fits: a file cannot make us allocate more than the model.
    for index, variable in enumerate(saved.variables):
        assignments.append((variable, _read_value(group[str(index)])))
    return assignments, None


def read_objects(h5_file, objects, filepath, skip_mismatch=False) -> list:
    """Checks the whole file against ``objects``; returns the ``(variable, value)`` pairs."""
    _check_layout(h5_file, filepath)
    assignments, problems = [], []
    for saved in objects:
        planned, problem = _plan_object(h5_file, saved)
        if problem is None:
            assignments.extend(planned)
        elif saved.is_optimizer:
            # As Keras: an optimizer that does not match (often: not built yet) is skipped.
            warnings.warn(f"Skipping variable loading for {problem}", stacklevel=3)
        else:
            problems.append(problem)
    if problems:
        message = f"Cannot load {filepath}: {len(problems)} object(s) do not match.\n" + "\n".join(
            problems
        )
        if not skip_mismatch:
            raise ValueError(message)
        warnings.warn(message + "\nThese were skipped (skip_mismatch=True).", stacklevel=3)
    return assignments


__all__ = ["load_weights", "read_objects", "save_weights", "write_objects"]
