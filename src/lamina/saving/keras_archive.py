"""Whole models in Keras 3's ``.keras`` format: ``save_model`` and ``load_model``.

A ``.keras`` file is a zip holding, in Keras's order, ``metadata.json`` (``keras_version``,
``date_saved``; we add ``lamina_version``), ``config.json`` (the model's
``{module, class_name, config, registered_name, build_config, compile_config}``) and
``model.weights.h5`` (the ``weights_h5`` layout, optimizer state included). This follows
Keras 3's ``saving_lib`` layout so that files move between Lamina and Keras both ways.

Loading is safe by default. Member names and declared sizes are checked before anything is
read; only the weights member is written to disk, inside a temporary folder. The config is
checked before any object is created: with ``safe_mode=True``, serialized Python code
(``__lambda__``) and classes that are neither Lamina's (``keras.*``/``lamina.*`` modules) nor
registered by the user are refused. No module named by a file is ever imported, in either
mode. The whole model is built and every weight checked before any is assigned, so a bad file
raises ``ValueError`` and leaves nothing half loaded.
"""

from __future__ import annotations

import datetime
import io
import json
import os
import posixpath
import shutil
import tempfile
import warnings
import zipfile
import zlib

import h5py

from lamina.saving.object_walk import saved_objects
from lamina.saving.weights_h5 import read_objects, write_objects
from lamina.serialization import (
    CustomObjectScope,
    deserialize_keras_object,
    get_registered_object,
    serialize_keras_object,
)

CONFIG_FILENAME = "config.json"
METADATA_FILENAME = "metadata.json"
WEIGHTS_FILENAME = "model.weights.h5"
# The Keras 3 release whose file layout this module writes; Keras reads the field as text.
KERAS_VERSION = "3.6.0"

_HDF5_SIGNATURE = b"\x89HDF\r\n\x1a\n"
_MAX_JSON_BYTES = 64 << 20  # a config this large is not a model description
_MAX_WEIGHTS_BYTES = 1 << 36  # 64 GiB, as weights_h5 allows
_MAX_MEMBERS = 10_000
_COPY_CHUNK = 1 << 20
# Keras's top-level names (module "keras") for model classes, so Keras-written configs load.
_MODEL_CLASSES = ("Model", "Sequential", "Functional")
# Schema markers the deserializer handles itself; they name no class to look up.
_SCHEMA_MARKERS = ("__keras_tensor__", "__operation__", "__numpy__", "__tensor__", "__bytes__")


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


def _weights_bytes(model) -> bytes:
    buffer = io.BytesIO()
    with h5py.File(buffer, "w") as h5_file:
        write_objects(h5_file, saved_objects(model))
    return buffer.getvalue()


def save_model(model, filepath, overwrite=True, zipped=True, **kwargs) -> None:
    """Saves ``model`` (config, weights, optimizer state) to a ``.keras`` file.

    The archive is written next to its destination under a temporary name, then renamed,
    so a failed save never leaves a half-written file. ``zipped=False`` writes the same three
    members into a directory named ``filepath`` instead of a zip.
    """
    if kwargs:
        raise TypeError(f"save_model() got unexpected arguments {sorted(kwargs)}.")
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
        WEIGHTS_FILENAME: _weights_bytes(model),
    }
    directory = os.path.dirname(os.path.abspath(filepath))
    if zipped:
        _write_zip(members, filepath, directory)
    else:
        _write_directory(members, filepath, directory)


def _write_zip(members: dict, filepath: str, directory: str) -> None:
    handle, temporary = tempfile.mkstemp(dir=directory, suffix=".tmp.keras")
    os.close(handle)
    try:
        with zipfile.ZipFile(temporary, "w") as archive:
            for name, data in members.items():
                archive.writestr(name, data)
        if os.path.isdir(filepath):
            raise IsADirectoryError(f"Cannot save a zipped model to {filepath}: a directory.")
        os.replace(temporary, filepath)
    except BaseException:
        if os.path.exists(temporary):
            os.remove(temporary)
        raise


def _write_directory(members: dict, filepath: str, directory: str) -> None:
    temporary = tempfile.mkdtemp(dir=directory, suffix=".tmp.keras")
    try:
        for name, data in members.items():
            with open(os.path.join(temporary, name), "wb") as file:
                file.write(data)
        if os.path.isdir(filepath):
            shutil.rmtree(filepath)
        elif os.path.exists(filepath):
            os.remove(filepath)
        os.replace(temporary, filepath)
    except BaseException:
        shutil.rmtree(temporary, ignore_errors=True)
        raise


# ---- reading the archive -----------------------------------------------------------------


def _check_member_name(filepath: str, name: str) -> None:
    parts = name.replace("\\", "/").split("/")
    unsafe = (
        not name
        or "\\" in name
        or "\x00" in name
        or name.startswith("/")
        or (len(name) > 1 and name[1] == ":")  # a Windows drive: C:…
        or ".." in parts
        or posixpath.normpath(name).startswith("..")
    )
    if unsafe:
        raise ValueError(
            f"{filepath} is not a safe .keras archive: member {name!r} has an absolute or "
            "parent-relative path. Refusing to read it."
        )


def _limit(name: str) -> int:
    return _MAX_WEIGHTS_BYTES if name == WEIGHTS_FILENAME else _MAX_JSON_BYTES


def _check_members(filepath: str, archive: zipfile.ZipFile) -> dict:
    """Validates every member's name and declared size; returns ``{name: ZipInfo}``."""
    infos = archive.infolist()
    if len(infos) > _MAX_MEMBERS:
        raise ValueError(f"{filepath} has {len(infos)} members; a .keras archive has a few.")
    by_name: dict = {}
    total = 0
    for info in infos:
        _check_member_name(filepath, info.filename)
        if info.filename in by_name:
            raise ValueError(f"{filepath} holds member {info.filename!r} twice.")
        if info.flag_bits & 0x1:
            raise ValueError(f"{filepath}: member {info.filename!r} is encrypted.")
        by_name[info.filename] = info
        total += info.file_size
    if total > _MAX_WEIGHTS_BYTES + 2 * _MAX_JSON_BYTES:
        raise ValueError(f"{filepath} declares {total} uncompressed bytes; refusing to read it.")
    for required in (CONFIG_FILENAME, WEIGHTS_FILENAME):
        if required not in by_name:
            found = sorted(by_name)[:10]
            hint = " (npz weights are not supported)" if "model.weights.npz" in by_name else ""
            raise ValueError(
                f"{filepath} is not a complete .keras archive: it has no {required}{hint}. "
                f"Members found: {found}."
            )
    for name in (CONFIG_FILENAME, METADATA_FILENAME, WEIGHTS_FILENAME):
        member = by_name.get(name)
        if member is not None and member.file_size > _limit(name):
            raise ValueError(
                f"{filepath}: member {name} declares {member.file_size} bytes, over the "
                f"{_limit(name)}-byte limit."
            )
    return by_name


def _copy_bounded(source, destination, limit: int, label: str) -> None:
    copied = 0
    while True:
        chunk = source.read(_COPY_CHUNK)
        if not chunk:
            return
        copied += len(chunk)
        if copied > limit:
            raise ValueError(f"{label} holds more than its declared size; refusing to read it.")
        destination.write(chunk)


class _Members:
    """The archive's JSON members in memory and its weights in a temporary folder."""

    def __init__(self, filepath: str, folder: str):
        self.filepath = filepath
        self.folder = folder
        self.config = b""
        self.metadata: bytes | None = None
        self.weights_path = os.path.join(folder, WEIGHTS_FILENAME)


def _read_zip(filepath: str, folder: str) -> _Members:
    members = _Members(filepath, folder)
    try:
        with zipfile.ZipFile(filepath) as archive:
            infos = _check_members(filepath, archive)
            with archive.open(infos[CONFIG_FILENAME]) as source:
                members.config = source.read(_MAX_JSON_BYTES + 1)
            if METADATA_FILENAME in infos:
                with archive.open(infos[METADATA_FILENAME]) as source:
                    members.metadata = source.read(_MAX_JSON_BYTES + 1)
            info = infos[WEIGHTS_FILENAME]
            with archive.open(info) as source, open(members.weights_path, "wb") as target:
                _copy_bounded(source, target, info.file_size, f"{filepath}: {WEIGHTS_FILENAME}")
    except (zipfile.BadZipFile, zipfile.LargeZipFile, zlib.error, EOFError) as error:
        raise ValueError(
            f"{filepath} is a corrupted or truncated .keras archive: {error}"
        ) from error
    except NotImplementedError as error:  # an unsupported compression method
        raise ValueError(f"{filepath}: cannot read this zip archive: {error}") from error
    return members


def _read_directory(filepath: str, folder: str) -> _Members:
    """An unzipped ``.keras`` directory (``save_model(..., zipped=False)``)."""
    members = _Members(filepath, folder)
    for required in (CONFIG_FILENAME, WEIGHTS_FILENAME):
        path = os.path.join(filepath, required)
        if not os.path.isfile(path) or os.path.islink(path):
            raise ValueError(f"{filepath} is not a complete .keras directory: no {required}.")
    for name in (CONFIG_FILENAME, METADATA_FILENAME, WEIGHTS_FILENAME):
        path = os.path.join(filepath, name)
        if os.path.isfile(path) and os.path.getsize(path) > _limit(name):
            raise ValueError(f"{filepath}: {name} is over the {_limit(name)}-byte limit.")
    with open(os.path.join(filepath, CONFIG_FILENAME), "rb") as file:
        members.config = file.read()
    metadata_path = os.path.join(filepath, METADATA_FILENAME)
    if os.path.isfile(metadata_path):
        with open(metadata_path, "rb") as file:
            members.metadata = file.read()
    members.weights_path = os.path.join(filepath, WEIGHTS_FILENAME)
    return members


def _parse_json(filepath: str, name: str, data: bytes) -> dict:
    try:
        value = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise ValueError(f"{filepath}: {name} is not valid JSON ({error}).") from error
    if not isinstance(value, dict):
        raise ValueError(
            f"{filepath}: {name} must hold a JSON object; found {type(value).__name__}."
        )
    return value


# ---- checking the config (safe mode) -----------------------------------------------------


def _is_known(config: dict, custom_objects) -> bool:
    for name in (config.get("registered_name"), config.get("class_name")):
        if isinstance(name, str) and get_registered_object(name, custom_objects) is not None:
            return True
    if config.get("class_name") == "function" and isinstance(config.get("config"), str):
        return get_registered_object(config["config"], custom_objects) is not None
    return False


def _check_object(config: dict, custom_objects, safe_mode: bool) -> None:
    class_name = config["class_name"]
    if class_name == "__lambda__":
        raise ValueError(
            "The file holds a Lambda's Python bytecode (`__lambda__`); Lamina never loads "
            "serialized code, as running it could do anything. Rewrite the lambda as a "
            "registered function or layer (@lamina.saving.register_keras_serializable())."
        )
    if not safe_mode or class_name in _SCHEMA_MARKERS:
        return
    module = config.get("module")
    root = module.split(".")[0] if isinstance(module, str) else None
    if _is_known(config, custom_objects):
        return
    if not isinstance(class_name, str) or not class_name.isidentifier():
        raise ValueError(f"The config names an invalid class {class_name!r}.")
    if root in ("keras", "lamina") and not class_name.startswith("_"):
        return  # resolved only within Lamina's public packages, never imported by name
    shown = config.get("registered_name") or class_name
    raise ValueError(
        f"Refusing to load {shown!r} from module {module!r}: it is neither part of Lamina nor "
        "a registered object, and safe_mode=True never imports modules named by a file. "
        "If you trust this class, decorate it with "
        "`@lamina.saving.register_keras_serializable()` or pass "
        f"`custom_objects={{{class_name!r}: {class_name}}}` to load_model."
    )


def check_config(config, custom_objects=None, safe_mode=True) -> None:
    """Walks a config tree and refuses what loading it must not do (see the module doc)."""
    stack = [config]
    while stack:
        value = stack.pop()
        if isinstance(value, dict):
            if isinstance(value.get("class_name"), str):
                _check_object(value, custom_objects, safe_mode)
            stack.extend(value.values())
        elif isinstance(value, list):
            stack.extend(value)


# ---- loading -----------------------------------------------------------------------------


def _rebuild(filepath: str, config: dict, custom_objects, compile: bool, safe_mode: bool):
    from lamina import models  # floor 5, below this one

    if "class_name" not in config:
        raise ValueError(f"{filepath}: config.json has no `class_name`; it describes no model.")
    check_config(config, custom_objects, safe_mode)
    compile_config = config.get("compile_config") if compile else None
    model_only = {k: v for k, v in config.items() if k != "compile_config"}
    scope = {name: getattr(models, name) for name in _MODEL_CLASSES}
    scope.update(custom_objects or {})
    try:
        with CustomObjectScope(scope):
            model = deserialize_keras_object(
                model_only, custom_objects=custom_objects, kind="model", safe_mode=safe_mode
            )
            if not isinstance(model, models.Model):
                raise ValueError(f"config.json describes a {type(model).__name__}, not a model.")
            if compile_config:
                model.compile_from_config(compile_config)
    except (ValueError, TypeError, KeyError, IndexError, AttributeError, LookupError) as error:
        raise ValueError(f"Cannot rebuild the model saved in {filepath}: {error}") from error
    return model


def _optimizer_saved_unbuilt(h5_file, saved) -> bool:
    """True when the file holds an optimizer saved before its first step.

    Such an optimizer has only its scalar counters (iterations, learning rate), whose values
    the compile_config already restores; the freshly built one is then equivalent.
    """
    group = h5_file.get(saved.vars_path)
    if group is None:
        return True
    datasets = [group[name] for name in group]
    return len(datasets) < len(saved.variables) and all(d.shape == () for d in datasets)


def _load_weights(model, filepath: str, weights_path: str) -> None:
    with open(weights_path, "rb") as file:
        signature = file.read(len(_HDF5_SIGNATURE))
    if signature != _HDF5_SIGNATURE:
        raise ValueError(f"{filepath}: {WEIGHTS_FILENAME} is not an HDF5 file.")
    try:
        h5_file = h5py.File(weights_path, "r")
    except OSError as error:
        raise ValueError(f"{filepath}: {WEIGHTS_FILENAME} cannot be read: {error}") from error
    with h5_file:
        objects = [
            saved
            for saved in saved_objects(model)
            if not (saved.is_optimizer and _optimizer_saved_unbuilt(h5_file, saved))
        ]
        try:
            assignments = read_objects(h5_file, objects, filepath)
        except (OSError, KeyError, TypeError) as error:
            raise ValueError(f"{filepath}: {WEIGHTS_FILENAME} is damaged: {error}") from error
    for variable, value in assignments:
        variable.assign(value)


def load_model(filepath, custom_objects=None, compile=True, safe_mode=True):
    """Loads a model saved by ``save_model``/``Model.save`` (or by Keras 3).

    Args:
        custom_objects: ``{name: class or function}`` for user objects not registered with
            ``@register_keras_serializable``.
        compile: re-compile the model from the saved ``compile_config`` (and restore the
            optimizer's state).
        safe_mode: refuse classes that are neither Lamina's nor registered. Lambda bytecode
            is refused in every mode, and no module named by the file is ever imported.

    Raises ``ValueError`` naming the problem for any file that is not a valid ``.keras``
    model (not a zip, unsafe or missing members, bad JSON, weights that do not fit).
    """
    filepath = os.fspath(filepath)
    _check_extension(filepath, "load a model from")
    if not os.path.exists(filepath):
        raise FileNotFoundError(f"No model file at {filepath}.")
    with tempfile.TemporaryDirectory(prefix="lamina-keras-") as folder:
        if os.path.isdir(filepath):
            members = _read_directory(filepath, folder)
        elif zipfile.is_zipfile(filepath):
            members = _read_zip(filepath, folder)
        else:
            raise ValueError(f"{filepath} is not a .keras archive: it is not a zip file.")
        if len(members.config) > _MAX_JSON_BYTES:
            raise ValueError(f"{filepath}: {CONFIG_FILENAME} is over the size limit.")
        config = _parse_json(filepath, CONFIG_FILENAME, members.config)
        if members.metadata is not None:
            _parse_json(filepath, METADATA_FILENAME, members.metadata)
        model = _rebuild(filepath, config, custom_objects, compile, safe_mode)
        _load_weights(model, filepath, members.weights_path)
    return model


__all__ = ["check_config", "load_model", "model_config", "save_model"]
