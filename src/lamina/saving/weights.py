"""``save_weights`` and ``load_weights``: a model's variables in a file of its own.

Three kinds of file, chosen by the name: ``.weights.h5`` (Keras 3's layout, read by Keras
too), ``.safetensors`` (the same variable paths as tensor names, for torch and JAX tools;
needs no extra package) and, for loading, a whole ``.keras`` archive's weights.

Loading is all or nothing: the file is checked whole (its safety, then every variable's
count, dtype and shape against the model), then every value is read, and only then is any
variable assigned, so a bad file leaves the model as it was.
"""

from __future__ import annotations

import os
import tempfile

import h5py

from lamina.saving import (
    archive,
    h5_safety,
    legacy_h5,
    process_write,
    weights_h5,
    weights_safetensors,
)
from lamina.saving.object_walk import saved_objects

H5_SUFFIX = ".weights.h5"
SAFETENSORS_SUFFIX = ".safetensors"


def write_weights_file(objects, path: str) -> None:
    """Writes ``objects``' variables to ``path`` in the format its name says."""
    if path.endswith(SAFETENSORS_SUFFIX):
        weights_safetensors.write_safetensors(objects, path)
        return
    with h5py.File(path, "w") as h5_file:
        weights_h5.write_objects(h5_file, objects)


def stream_weights_file(source, objects, label: str, skip_mismatch=False, weights_format=None):
    """Yields ``(variable, value)`` for each variable, after the whole file has been checked
    against ``objects`` and before the next value is read: the caller may assign as it goes
    (into a model it will throw away on failure) or collect first (``read_weights_file``).
    ``source`` is a path or a binary file object; ``weights_format`` ("h5" or
    "safetensors") defaults to what a path's name says."""
    if weights_format is None:
        weights_format = "safetensors" if str(source).endswith(SAFETENSORS_SUFFIX) else "h5"
    if weights_format == "safetensors":
        yield from weights_safetensors.read_safetensors(source, objects, label, skip_mismatch)
        return
    with h5_safety.open_h5(source, label) as h5_file:
        for target, planned in weights_h5.plan_objects(h5_file, objects, label, skip_mismatch):
            yield target, weights_h5.read_planned(planned)


def read_weights_file(
    source, objects, label: str, skip_mismatch=False, weights_format=None
) -> list:
    """Every ``(variable, value)`` pair, all read before any is returned."""
    return list(stream_weights_file(source, objects, label, skip_mismatch, weights_format))


def _check_save_path(filepath: str) -> None:
    if not filepath.endswith((H5_SUFFIX, SAFETENSORS_SUFFIX)):
        raise ValueError(
            "Invalid `filepath` argument: expected a `.weights.h5` (or `.safetensors`) "
            f"extension. Received: filepath={filepath}"
        )


def save_weights(model, filepath, overwrite=True) -> None:
    """Writes ``model``'s weights (and its optimizer's state) to ``filepath``.

    ``filepath`` ends in ``.weights.h5`` (Keras 3's layout) or ``.safetensors``. The file is
    written next to its destination under a temporary name, then renamed: an interrupted save
    never leaves half a file.
    """
    filepath = os.fspath(filepath)
    _check_save_path(filepath)
    if not overwrite and os.path.exists(filepath):
        raise FileExistsError(f"{filepath} exists and overwrite=False.")
    with process_write.chief_destination(filepath) as destination:
        _write_replacing(model, destination)


def _write_replacing(model, filepath: str) -> None:
    objects = saved_objects(model)
    suffix = SAFETENSORS_SUFFIX if filepath.endswith(SAFETENSORS_SUFFIX) else H5_SUFFIX
    directory = os.path.dirname(os.path.abspath(filepath))
    handle, temporary = tempfile.mkstemp(dir=directory, suffix=".tmp" + suffix)
    os.close(handle)
    try:
        write_weights_file(objects, temporary)
        os.replace(temporary, filepath)
    except BaseException:
        if os.path.exists(temporary):
            os.remove(temporary)
        raise


def _assign_all(pairs) -> None:
    for variable, value in pairs:
        variable.assign(value)


def _check_legacy_arguments(filepath: str, by_name) -> None:
    if by_name is not None:
        raise ValueError(
            "`by_name` only applies to legacy Keras 2 `.h5`/`.hdf5` weights files. "
            f"Received: by_name={by_name!r}, filepath={filepath}"
        )


def load_weights(model, filepath, skip_mismatch=False, **kwargs) -> None:
    """Loads weights saved by ``save_weights`` (or Keras 3) into ``model``.

    ``filepath`` is a ``.weights.h5`` or ``.safetensors`` file, a ``.keras`` archive whose
    weights are read, or a legacy Keras 2 ``.h5``/``.hdf5`` file (Keras's published weights;
    matched by layer order, or by layer name with ``by_name=True``).

    Raises ``SavedFileError`` (a ``ValueError``) naming the layer, the
    expected and the found shapes when the file does not fit the model, and
    ``UnsafeFileError`` when it reaches outside itself, before any variable changes. With
    ``skip_mismatch=True``, the objects that do not fit are skipped with a warning and the
    others are loaded.
    """
    filepath = os.fspath(filepath)
    by_name = kwargs.pop("by_name", None)
    if kwargs:
        raise ValueError(f"Invalid keyword arguments for load_weights: {sorted(kwargs)}.")
    if filepath.endswith((".h5", ".hdf5")) and not filepath.endswith(H5_SUFFIX):
        if not os.path.isfile(filepath):
            raise FileNotFoundError(f"No weights file at {filepath}.")
        legacy_h5.load_legacy_weights(model, filepath, bool(by_name), skip_mismatch)
        return
    _check_legacy_arguments(filepath, by_name)
    if filepath.endswith((H5_SUFFIX, SAFETENSORS_SUFFIX)):
        if not os.path.isfile(filepath):
            raise FileNotFoundError(f"No weights file at {filepath}.")
        _assign_all(read_weights_file(filepath, saved_objects(model), filepath, skip_mismatch))
    elif filepath.endswith(".keras"):
        with tempfile.TemporaryDirectory(prefix="lamina-weights-") as folder:
            members = archive.read_archive(filepath, folder)
            label = f"{filepath}: {members.weights_name}"
            with members.open_weights() as source:
                pairs = read_weights_file(
                    source, saved_objects(model), label, skip_mismatch, members.weights_format
                )
        _assign_all(pairs)
    else:
        raise ValueError(
            "Invalid `filepath` argument: expected a `.weights.h5`, `.safetensors`, `.keras` "
            f"or legacy `.h5` extension. Received: filepath={filepath}"
        )


__all__ = [
    "load_weights",
    "read_weights_file",
    "save_weights",
    "stream_weights_file",
    "write_weights_file",
]
