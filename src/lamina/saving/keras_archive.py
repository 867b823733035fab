"""Whole models in Keras 3's ``.keras`` format: ``save_model`` and ``load_model``.

A ``.keras`` file is a zip holding, in Keras's order, ``metadata.json`` (``keras_version``,
``date_saved``; we add ``lamina_version``), ``config.json`` (the model's
``{module, class_name, config, registered_name, build_config, compile_config}``) and
``model.weights.h5`` (the ``weights_h5`` layout, optimizer state included). This follows
Keras 3's ``saving_lib`` layout so that files move between Lamina and Keras both ways.
``save_model(..., weights_format="safetensors")`` stores ``model.weights.safetensors``
instead: Lamina reads such archives, Keras 3 does not.

Saving streams: the weights are written variable by variable into a temporary file that the
zip then copies in chunks, so the model is never held twice in memory.

Loading is safe by default and goes through one archive reader (``archive``), one
allow-list resolver (``serialization.allow_list``) and one HDF5 opener (``h5_safety``).
The config is checked before any object is created: serialized Python code
(``__lambda__``) is refused in every mode and, with ``safe_mode=True``, so is any class that
is neither Lamina's nor registered by the user. No module named by a file is ever imported.
The weights file is checked whole (nothing outside it, every shape matching the rebuilt
model) before any value is read; a bad file raises ``SavedFileError`` (a ``ValueError``) and
no model is returned.
"""

from __future__ import annotations

import datetime
import json
import os
import shutil
import tempfile
import warnings
import zipfile

from lamina import backend
from lamina.layers.preprocessing.feature_space import FeatureSpace
from lamina.saving import archive, process_write, weights_h5, weights_safetensors
from lamina.saving.archive import (
    CONFIG_FILENAME,
    METADATA_FILENAME,
    SAFETENSORS_WEIGHTS_FILENAME,
    WEIGHTS_FILENAME,
    parse_json,
)
from lamina.saving.archive_writer import write_h5_archive
from lamina.saving.assets import asset_members, restore_assets
from lamina.saving.errors import SavedFileError, UnsafeFileError
from lamina.saving.object_walk import saved_objects
from lamina.saving.weights import stream_weights_file, write_weights_file
from lamina.serialization import (
    CustomObjectScope,
    allow_list,
    deserialize_keras_object,
    serialize_keras_object,
)

# The Keras 3 release whose file layout this module writes; Keras reads the field as text.
KERAS_VERSION = "3.6.0"
# Keras's top-level names (module "keras") for model classes, so Keras-written configs load.
_MODEL_CLASSES = ("Model", "Sequential", "Functional")
_VARIABLE_SLACK_BYTES = 64 << 20
_WEIGHTS_MEMBERS = {"h5": WEIGHTS_FILENAME, "safetensors": SAFETENSORS_WEIGHTS_FILENAME}


# ---- saving ------------------------------------------------------------------------------


def _check_extension(filepath: str, action: str) -> None:
    if filepath.endswith(".keras"):
        return
    if filepath.endswith((".h5", ".hdf5")) and not filepath.endswith(".weights.h5"):
        raise ValueError(
            f"Cannot {action} {filepath}: the legacy Keras 2 HDF5 model format (`.h5`) is not "
            "supported. Use a `.keras` file for whole models, or `.weights.h5` with "
            f"`save_weights`/`load_weights`. Received: filepath={filepath}"
        )
    raise ValueError(
        f"Invalid `filepath` argument: expected a `.keras` extension. Received: filepath={filepath}"
    )


def _is_legacy_h5(filepath: str) -> bool:
    return filepath.endswith((".h5", ".hdf5")) and not filepath.endswith(".weights.h5")


def model_config(model) -> dict:
    """``config.json``'s content: the model's Keras config plus its ``compile_config``."""
    config = serialize_keras_object(model)
    getter = getattr(model, "get_compile_config", None)
    compile_config = getter() if getter is not None else None
    if compile_config is not None:
        config["compile_config"] = compile_config
    return config


def _metadata() -> dict:
    import lamina  # the package's own version; imported here as lamina imports saving

    return {
        "keras_version": KERAS_VERSION,
        "date_saved": datetime.datetime.now().strftime("%Y-%m-%d@%H:%M:%S"),
        "lamina_version": lamina.__version__,
    }


def save_model(model, filepath, overwrite=True, zipped=None, weights_format="h5", **kwargs) -> None:
    """Saves ``model`` (config, weights, optimizer state) to a ``.keras`` file.

    The archive is written next to its destination under a temporary name, then renamed,
    so a failed save never leaves a half-written file. ``zipped`` (None: as Keras, a zip for
    a local path, the only destination here) ``=False`` writes the same three
    members into a directory named ``filepath`` instead of a zip. ``weights_format`` is
    ``"h5"`` (Keras 3's ``model.weights.h5``, the default) or ``"safetensors"``
    (``model.weights.safetensors``, which Keras 3 cannot read).
    """
    if kwargs:
        raise TypeError(f"save_model() got unexpected arguments {sorted(kwargs)}.")
    if weights_format not in _WEIGHTS_MEMBERS:
        raise ValueError(
            "`weights_format` must be one of "
            f"{sorted(_WEIGHTS_MEMBERS)}. Received: weights_format={weights_format!r}"
        )
    filepath = os.fspath(filepath)
    _check_extension(filepath, "save a model to")
    if not overwrite and os.path.exists(filepath):
        raise FileExistsError(f"{filepath} exists and overwrite=False.")
    if not model.built:
        warnings.warn(
            f"Saving model {model.name!r}, which has not been built: it has no weights yet. "
            "Call it on data (or build it) first.",
            stacklevel=2,
        )
    members = {
        METADATA_FILENAME: json.dumps(_metadata()).encode("utf-8"),
        CONFIG_FILENAME: json.dumps(model_config(model)).encode("utf-8"),
        **asset_members(saved_objects(model)),  # assets/<path>/vocabulary.txt, as Keras
    }
    weights_name = _WEIGHTS_MEMBERS[weights_format]
    # Several processes: all gather, process 0 writes (process_write.py).
    with process_write.chief_destination(filepath) as destination:
        directory = os.path.dirname(os.path.abspath(destination))
        if zipped is None or zipped:
            _write_zip(model, members, weights_name, destination, directory)
        else:
            _write_directory(model, members, weights_name, destination, directory)


def _write_zip(model, members: dict, weights_name: str, filepath: str, directory: str) -> None:
    handle, temporary = tempfile.mkstemp(dir=directory, suffix=".tmp.keras")
    os.close(handle)
    objects = saved_objects(model)
    try:
        if weights_name == WEIGHTS_FILENAME:
            # Written once, in place inside the archive (see archive_writer).
            write_h5_archive(
                temporary, members, weights_name, lambda h5: weights_h5.write_objects(h5, objects)
            )
        else:
            with (
                zipfile.ZipFile(temporary, "w") as zip_file,
                zip_file.open(weights_name, "w", force_zip64=True) as target,
            ):
                weights_safetensors.write_safetensors(objects, target)  # streamed, in order
            with zipfile.ZipFile(temporary, "a") as zip_file:
                for name, data in members.items():
                    zip_file.writestr(name, data)
        if os.path.isdir(filepath):
            raise IsADirectoryError(f"Cannot save a zipped model to {filepath}: a directory.")
        os.replace(temporary, filepath)
    except BaseException:
        if os.path.exists(temporary):
            os.remove(temporary)
        raise


def _write_directory(
    model, members: dict, weights_name: str, filepath: str, directory: str
) -> None:
    temporary = tempfile.mkdtemp(dir=directory, suffix=".tmp.keras")
    try:
        for name, data in members.items():
            path = os.path.join(temporary, *name.split("/"))
            os.makedirs(os.path.dirname(path), exist_ok=True)  # assets/<path>/...
            with open(path, "wb") as file:
                file.write(data)
        write_weights_file(saved_objects(model), os.path.join(temporary, weights_name))
        if os.path.isdir(filepath):
            shutil.rmtree(filepath)
        elif os.path.exists(filepath):
            os.remove(filepath)
        os.replace(temporary, filepath)
    except BaseException:
        shutil.rmtree(temporary, ignore_errors=True)
        raise


# ---- loading -----------------------------------------------------------------------------


def _rebuild(filepath: str, config: dict, custom_objects, compile: bool, safe_mode: bool):
    from lamina import models  # floor 5, below this one

    if "class_name" not in config:
        raise SavedFileError(f"{filepath}: config.json has no `class_name`; it describes no model.")
    try:
        allow_list.check_config(config, custom_objects, safe_mode)
    except ValueError as error:
        raise UnsafeFileError(f"{filepath}: {error}") from error
    compile_config = config.get("compile_config") if compile else None
    model_only = {k: v for k, v in config.items() if k != "compile_config"}
    scope = {name: getattr(models, name) for name in _MODEL_CLASSES}
    scope.update(custom_objects or {})
    try:
        with CustomObjectScope(scope):
            model = deserialize_keras_object(
                model_only, custom_objects=custom_objects, kind="model", safe_mode=safe_mode
            )
            # A FeatureSpace is saved as a whole file too (Keras's `FeatureSpace.save`).
            if not isinstance(model, (models.Model, FeatureSpace)):
                raise ValueError(f"config.json describes a {type(model).__name__}, not a model.")
            if compile_config:
                model.compile_from_config(compile_config)
    except (
        ValueError,
        TypeError,
        KeyError,
        IndexError,
        AttributeError,
        LookupError,
        RecursionError,
    ) as error:
        raise SavedFileError(f"Cannot rebuild the model saved in {filepath}: {error}") from error
    return model


# The one rebuild from a config: the legacy `.h5` loader (legacy_model) uses it too.
rebuild_model = _rebuild


def load_model(filepath, custom_objects=None, compile=True, safe_mode=True):
    """Loads a model saved by ``save_model``/``Model.save`` (or by Keras 3) from a
    ``.keras`` file, an unzipped ``.keras`` directory, or a binary file object; a legacy
    Keras 2 ``.h5``/``.hdf5`` whole-model file is read by ``legacy_model``.

    Args:
        custom_objects: ``{name: class or function}`` for user objects not registered with
            ``@register_keras_serializable``.
        compile: re-compile the model from the saved ``compile_config`` (and restore the
            optimizer's state).
        safe_mode: refuse classes that are neither Lamina's nor registered. Lambda bytecode
            is refused in every mode, and no module named by the file is ever imported.

    Raises ``SavedFileError`` (a ``ValueError``) naming the problem for any file that is not
    a valid ``.keras`` model (not a zip, unsafe or missing members, bad JSON, weights that do
    not fit), and its subclass ``UnsafeFileError`` for a file that reaches outside itself.
    """
    if hasattr(filepath, "read"):
        source = filepath
        filepath = getattr(filepath, "name", None) or "<file object>"
    else:
        source = filepath = os.fspath(filepath)
        if _is_legacy_h5(filepath):
            from lamina.saving.legacy_model import load_legacy_model  # imports this module

            return load_legacy_model(filepath, custom_objects, compile, safe_mode)
        _check_extension(filepath, "load a model from")
    with tempfile.TemporaryDirectory(prefix="lamina-keras-") as folder:
        members = archive.read_archive(source, folder)
        config = parse_json(filepath, CONFIG_FILENAME, members.config)
        if members.metadata is not None:
            parse_json(filepath, METADATA_FILENAME, members.metadata)
        # Rebuilding allocates every variable the config declares: no more than the weights
        # can fill (Keras writes them uncompressed; the slack covers metrics, unsaved state).
        budget = 2 * members.weights_size + _VARIABLE_SLACK_BYTES
        state = backend.global_state
        with (
            state.variable_budget(budget, f"the size of {filepath}'s weights"),
            state.deferred_initializers() as deferred,
        ):
            model = _rebuild(filepath, config, custom_objects, compile, safe_mode)
        label = f"{filepath}: {members.weights_name}"
        # The model is new: a failure part-way discards it, so values are assigned as read
        # (one variable in memory at a time), after the whole file has been checked. Only
        # the variables the file does not fill get their initializers run.
        filled = set()
        objects = saved_objects(model)
        with members.open_weights() as source:
            for variable, value in stream_weights_file(
                source, objects, label, weights_format=members.weights_format
            ):
                variable.assign_owned(value)  # the value was read for it alone
                # A CustomLoad fills its object's variables through load_own_variables.
                filled.update(map(id, getattr(variable, "variables", [variable])))
        state.run_deferred(deferred, filled)
        restore_assets(objects, members.assets, folder)  # after the weights, as Keras
    return model


__all__ = ["load_model", "model_config", "save_model"]
