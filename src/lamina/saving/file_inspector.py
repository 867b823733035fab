"""What a model file holds, read without building, importing or running anything from it.

``inspect_file`` describes a ``.keras`` archive (a zip or an unzipped directory), a
``.weights.h5`` file or a ``.safetensors`` file: its kind, ``metadata.json``, every object
of the config tree (with the allow-list's reason wherever loading would refuse it), the
compile config's optimizer, losses and metrics, and every weight's path, shape and dtype with
parameter counts per top-level group. ``inspection_text`` prints it, and
``python -m lamina.saving inspect FILE`` runs both.

It reads only through the loaders' own gates: archives through ``archive.read_archive``,
HDF5 only after ``h5_safety.check_h5_file`` has passed (a refused file reports the refusal
instead of its weights), safetensors by their header alone. No dataset value is ever read,
no class is looked up beyond the allow-list's own resolver, and serialized code
(``__lambda__``) is marked, never decoded.
"""

from __future__ import annotations

import json
import math
import os
import struct
import tempfile
import zipfile

import h5py

from lamina.saving import archive, h5_safety, weights_safetensors
from lamina.saving.archive import CONFIG_FILENAME, METADATA_FILENAME, parse_json
from lamina.saving.errors import SavedFileError, UnsafeFileError
from lamina.saving.h5_safety import HDF5_SIGNATURE
from lamina.serialization.allow_list import SCHEMA_MARKERS, refusal

KINDS = {  # kind -> how reports name it
    "keras": ".keras archive (zip)",
    "keras_directory": ".keras archive (unzipped directory)",
    "weights_h5": ".weights.h5 (HDF5)",
    "safetensors": ".safetensors",
}
METADATA_FIELDS = ("keras_version", "lamina_version", "date_saved")
COMPILE_FIELDS = ("optimizer", "loss", "metrics", "weighted_metrics")

_LENGTH = struct.Struct("<Q")
_MAX_NAME_DEPTH = 32  # nesting of a compile config's loss/metrics lists and dicts
# ---- the report --------------------------------------------------------------------------


def inspect_file(path) -> dict:
    """Describes the model file at ``path`` as a JSON-ready dict, without loading it.

    Keys: ``path``, ``kind`` (one of ``KINDS``), ``metadata``, ``config`` (``objects``: one
    ``{path, class_name, module, registered_name, refusal}`` per object of the tree),
    ``compile``, ``weights`` (``format``, ``member``, ``datasets``: ``{path, shape, dtype}``,
    ``parameters`` per top-level group; ``refusal`` when the file reaches outside itself),
    ``refusals`` (every reason loading would refuse, with where it was found) and ``errors``
    (parts that could not be read). Sections a file does not have are None.

    Raises ``FileNotFoundError`` for a missing path and ``SavedFileError`` for a file that
    is no model file at all or cannot be read; a hostile file gets a report.

    Examples:
        >>> report = inspect_file("model.keras")  # doctest: +SKIP
        >>> report["weights"]["parameters"]  # doctest: +SKIP
        {'layers': 1210, 'optimizer': 2422}
    """
    path = os.fspath(path)
    if not os.path.exists(path):
        raise FileNotFoundError(f"No file at {path}.")
    kind = _file_kind(path)
    report: dict = {
        "path": path,
        "kind": kind,
        "metadata": None,
        "config": None,
        "compile": None,
        "weights": None,
        "refusals": [],
        "errors": [],
    }
    if kind in ("keras", "keras_directory"):
        _inspect_archive(path, report)
    else:
        report["weights"] = _inspect_weights(path, kind, path, member=None)
        if report["weights"]["error"] is not None:
            raise SavedFileError(report["weights"]["error"])
    _collect_problems(report)
    return report


def exit_code(report: dict) -> int:
    """The CLI's exit status for a report: 2 when anything is refused, 1 when a part could
    not be read, else 0."""
    if report["refusals"]:
        return 2
    return 1 if report["errors"] else 0


def _file_kind(path: str) -> str:
    if os.path.isdir(path):
        return "keras_directory"
    with open(path, "rb") as file:
        head = file.read(_LENGTH.size + 1)
    if head.startswith(HDF5_SIGNATURE):
        return "weights_h5"
    if zipfile.is_zipfile(path):
        return "keras"
    if path.endswith(".safetensors") or _looks_like_safetensors(head, os.path.getsize(path)):
        return "safetensors"
    raise SavedFileError(
        f"{path} is not a model file: not a .keras archive (zip or directory), not HDF5 "
        "(.weights.h5) and not safetensors."
    )


def _looks_like_safetensors(head: bytes, size: int) -> bool:
    if len(head) <= _LENGTH.size:
        return False
    (length,) = _LENGTH.unpack(head[: _LENGTH.size])
    return 0 < length <= size - _LENGTH.size and head[_LENGTH.size :] == b"{"


def _inspect_archive(path: str, report: dict) -> None:
    with tempfile.TemporaryDirectory(prefix="lamina-inspect-") as folder:
        try:
            members = archive.read_archive(path, folder)
        except UnsafeFileError as error:  # a member path escaping its folder, a symlink
            report["refusals"].append({"where": "archive", "path": None, "reason": str(error)})
            return
        if members.metadata is not None:
            metadata = parse_json(path, METADATA_FILENAME, members.metadata)
            report["metadata"] = {field: _text(metadata.get(field)) for field in METADATA_FIELDS}
        config = parse_json(path, CONFIG_FILENAME, members.config)
        report["config"] = {"objects": config_objects(config)}
        compile_config = config.get("compile_config")
        if isinstance(compile_config, dict):
            report["compile"] = compile_summary(compile_config)
        is_safetensors = members.weights_format == "safetensors"
        with members.open_weights() as source:
            report["weights"] = _inspect_weights(
                source,
                "safetensors" if is_safetensors else "weights_h5",
                f"{path}: {members.weights_name}",
                member=members.weights_name,
            )


def _collect_problems(report: dict) -> None:
    config = report["config"]
    for item in config["objects"] if config else []:
        if item["refusal"] is not None:
            refused = {"where": "config", "path": item["path"], "reason": item["refusal"]}
            report["refusals"].append(refused)
    weights = report["weights"]
    if weights is not None and weights["refusal"] is not None:
        report["refusals"].append({"where": "weights", **weights["refusal"]})
    if weights is not None and weights["error"] is not None:
        report["errors"].append(weights["error"])


# ---- the config tree ---------------------------------------------------------------------


def _text(value) -> str | None:
    """A config field as text; a file may put anything where a name belongs."""
    if value is None or isinstance(value, str):
        return value
    return json.dumps(value)[:200]


def _object_name(value) -> str | None:
    """The ``name`` a serialized object's config gives it (a layer's name), if any."""
    if isinstance(value, dict) and isinstance(value.get("class_name"), str):
        config = value.get("config")
        if isinstance(config, dict) and isinstance(config.get("name"), str):
            return config["name"]
    return None


def _refusal(config: dict) -> str | None:
    try:
        return refusal(config)
    except (TypeError, ValueError, AttributeError) as error:  # a malformed config dict
        return f"cannot be checked against the allow-list ({error})"


def config_objects(config) -> list[dict]:
    """Every serialized object in a config tree, in document order: its path (layer names
    where the tree has them, else keys and indices), ``class_name``, ``module``,
    ``registered_name`` and the allow-list's ``refusal`` (None when it may be loaded).
    Schema markers (``__keras_tensor__``…) are walked through but not listed."""
    objects = []
    stack = [(config, "")]
    while stack:  # an explicit stack: a deeply nested file cannot exhaust Python's
        value, path = stack.pop()
        children = []
        if isinstance(value, dict):
            class_name = value.get("class_name")
            is_object = isinstance(class_name, str)
            if isinstance(class_name, str):
                path = path or _object_name(value) or class_name
                if class_name not in SCHEMA_MARKERS:
                    objects.append(
                        {
                            "path": path,
                            "class_name": class_name,
                            "module": _text(value.get("module")),
                            "registered_name": _text(value.get("registered_name")),
                            "refusal": _refusal(value),
                        }
                    )
            for key, child in value.items():
                # An object's own `config` adds nothing to the path: `model/dense/kernel_…`.
                child_path = path if is_object and key == "config" else f"{path}/{key}"
                children.append((child, child_path.lstrip("/")))
        elif isinstance(value, list):
            for index, child in enumerate(value):
                children.append((child, f"{path}/{_object_name(child) or index}".lstrip("/")))
        stack.extend(item for item in reversed(children) if isinstance(item[0], (dict, list)))
    return objects


def _names(value, depth: int = 0) -> list[str]:
    """The names of the losses or metrics a compile config field lists."""
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    if depth > _MAX_NAME_DEPTH:
        return ["..."]
    if isinstance(value, dict) and isinstance(value.get("class_name"), str):
        inner = value.get("config")
        if value["class_name"] == "function" and isinstance(inner, str):
            return [inner]
        return [_text(value.get("registered_name")) or value["class_name"]]
    if isinstance(value, dict):  # per-output: {"output_name": loss}
        return [f"{key}: {name}" for key, item in value.items() for name in _names(item, depth + 1)]
    if isinstance(value, list):
        return [name for item in value for name in _names(item, depth + 1)]
    return [json.dumps(value)[:200]]


def compile_summary(compile_config: dict) -> dict:
    """The optimizer's name and the loss, metric and weighted-metric names."""
    optimizer = _names(compile_config.get("optimizer"))
    summary: dict = {"optimizer": optimizer[0] if optimizer else None}
    for field in COMPILE_FIELDS[1:]:
        summary[field] = _names(compile_config.get(field))
    return summary


# ---- weights -----------------------------------------------------------------------------


def _inspect_weights(path, kind: str, label: str, member: str | None) -> dict:
    weights: dict = {
        "member": member,
        "format": "safetensors" if kind == "safetensors" else "h5",
        "datasets": None,
        "parameters": None,
        "total_parameters": None,
        "refusal": None,
        "error": None,
    }
    try:
        if kind == "safetensors":
            datasets = _safetensors_datasets(path, label)
        else:
            datasets = _h5_datasets(path, label)
    except UnsafeFileError as error:
        weights["refusal"] = _h5_refusal(error)
        return weights
    except SavedFileError as error:
        weights["error"] = str(error)
        return weights
    datasets.sort(key=lambda item: _natural_key(item["path"]))
    parameters: dict = {}
    for item in datasets:
        group = item["path"].partition("/")[0]
        parameters[group] = parameters.get(group, 0) + math.prod(item["shape"])
    weights.update(
        datasets=datasets, parameters=parameters, total_parameters=sum(parameters.values())
    )
    return weights


def _natural_key(path: str) -> list:
    """``vars/2`` before ``vars/10``."""
    return [(0, int(part), "") if part.isdigit() else (1, 0, part) for part in path.split("/")]


def _h5_refusal(error: UnsafeFileError) -> dict:
    if error.object_path is None:
        return {"path": None, "reason": str(error)}
    return {"path": error.object_path, "reason": error.reason}


def _h5_dtype(dataset) -> str:
    dtype = dataset.dtype
    # Keras stores bfloat16 as raw 2-byte values tagged with a `dtype` attribute.
    if dtype.itemsize == 2 and dtype.kind in "uV" and dataset.attrs.get("dtype") == "bfloat16":
        return "bfloat16"
    return str(dtype)


def _h5_datasets(path, label: str) -> list[dict]:
    datasets: list[dict] = []
    # open_h5 checks the whole file before handing it out: nothing reaches outside it.
    with h5_safety.open_h5(path, label) as h5_file:

        def visit(name, item):
            if isinstance(item, h5py.Dataset):  # its shape and dtype; never its values
                datasets.append({"path": name, "shape": list(item.shape), "dtype": _h5_dtype(item)})

        h5_file.visititems(visit)
    return datasets


def _safetensors_datasets(path, label: str) -> list[dict]:
    """The tensors a safetensors header declares (validated); only the header is read."""
    header = weights_safetensors.read_header(path, label)
    return [
        {"path": key, "shape": list(shape), "dtype": dtype}
        for key, (dtype, shape) in header.items()
    ]


__all__ = [
    "KINDS",
    "compile_summary",
    "config_objects",
    "exit_code",
    "inspect_file",
]
