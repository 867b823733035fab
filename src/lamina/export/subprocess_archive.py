"""SavedModels and ONNX files from engines that cannot write them in-process.

The models are saved as ``.keras`` files into a temporary folder with a JSON plan of the
work, and ``python -m lamina.export.subprocess_archive plan.json`` reloads them under
``LAMINA_BACKEND=tensorflow`` (an engine is chosen once per process) and writes the
artifact there with the TensorFlow engine's own exporters: a SavedModel through its
``ExportArchive`` (torch, NumPy), an ONNX file through ``tf2onnx`` (JAX, NumPy). The same
weights run by the same layer code, traced as ``tf.function``s.

The subprocess rebuilds only what a fresh process can: Lamina's own classes. A model using
a custom layer, loss or function (registered or not) is refused up front, naming it.
"""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
import tempfile

from lamina import backend
from lamina.export.input_signature import specs_from_json, specs_to_json

_PLAN_FILE = "plan.json"
_DESCRIPTION_FILE = "endpoints.txt"
_CHILD_MARKER = "LAMINA_EXPORT_SUBPROCESS"  # set in the exporter subprocess's environment


class SubprocessArchive:
    """The ``ExportArchive`` engine interface, recorded here and carried out in a
    TensorFlow-engine subprocess at ``write_out``."""

    def __init__(self) -> None:
        if os.environ.get(_CHILD_MARKER):
            # Already the exporter subprocess: never start another one.
            raise RuntimeError(
                "The SavedModel exporter subprocess found no in-process writer on the "
                f"{backend.backend()!r} engine (`lamina.backend.{backend.backend()}.export` is "
                "not on the engine package)."
            )
        self._models: list = []
        self._endpoints: list[dict] = []
        self._collections: list[dict] = []

    @property
    def variables(self) -> list:
        return [variable for model in self._models for variable in model.variables]

    @property
    def trainable_variables(self) -> list:
        return [variable for model in self._models for variable in model.trainable_variables]

    @property
    def non_trainable_variables(self) -> list:
        return [v for model in self._models for v in model.non_trainable_variables]

    def track_layer(self, layer) -> None:
        from lamina.models import Model  # floor 5: the tracked object must save as .keras

        if not isinstance(layer, Model):
            raise NotImplementedError(
                f"ExportArchive.track: on the {backend.backend()!r} engine the SavedModel is "
                "written by a TensorFlow-engine subprocess from a saved .keras file, so it "
                f"tracks Models only; wrap layer {layer.name!r} in a Model "
                "(keras.Sequential([layer])) to export it."
            )
        if all(model is not layer for model in self._models):
            self._models.append(layer)

    def track_resource(self, resource) -> bool:
        return False  # TensorFlow trackables cannot cross into the subprocess

    def is_traced_function(self, fn) -> bool | None:
        return None  # no tf.function exists in this process

    def _model_index(self, fn) -> tuple[int, str]:
        target, method = fn, "__call__"
        if getattr(fn, "__self__", None) is not None and getattr(fn, "__name__", "") in (
            "__call__",
            "call",
        ):
            target, method = fn.__self__, fn.__name__
        for index, model in enumerate(self._models):
            if model is target:
                return index, method
        raise NotImplementedError(
            f"ExportArchive.add_endpoint: on the {backend.backend()!r} engine the SavedModel is "
            "written by a TensorFlow-engine subprocess that reloads the tracked models, so an "
            "endpoint must be a tracked model or its `call`/`__call__`; received "
            f"{fn!r}. Track the model first (export_archive.track(model))."
        )

    def add_endpoint(self, name, fn, input_signature, **kwargs):
        index, method = self._model_index(fn)
        self._endpoints.append(
            {
                "name": name,
                "model": index,
                "method": method,
                "input_signature": specs_to_json(input_signature),
            }
        )
        return fn

    def add_variable_collection(self, name, variables) -> None:
        positions = {
            id(variable): [model_index, variable_index]
            for model_index, model in enumerate(self._models)
            for variable_index, variable in enumerate(model.variables)
        }
        missing = [getattr(v, "path", repr(v)) for v in variables if id(v) not in positions]
        if missing:
            raise ValueError(
                f"ExportArchive.add_variable_collection: on the {backend.backend()!r} engine "
                "the collection may hold only variables of tracked models; these are not: "
                f"{missing}."
            )
        self._collections.append({"name": name, "variables": [positions[id(v)] for v in variables]})

    def write_out(self, filepath: str, options=None) -> str:
        if options is not None:
            raise ValueError(
                f"ExportArchive.write_out(options=...) cannot be used on the "
                f"{backend.backend()!r} engine: the SavedModel is written by a subprocess."
            )
        _require_packages("Exporting a SavedModel", ("tensorflow",))
        for model in self._models:
            check_rebuildable(model, "a SavedModel")
        plan = {
            "format": "tf_saved_model",
            "endpoints": self._endpoints,
            "collections": self._collections,
            "filepath": os.path.abspath(filepath),
        }
        with tempfile.TemporaryDirectory(prefix="lamina-export-") as folder:
            _run_exporter(folder, self._models, plan, "the SavedModel")
            with open(os.path.join(folder, _DESCRIPTION_FILE), encoding="utf-8") as file:
                return file.read()


def export_onnx_in_subprocess(exports: list[tuple]) -> None:
    """Writes ONNX files from one TensorFlow-engine subprocess (``tf2onnx``, as
    ``export(format="onnx")`` there), a free leading axis named ``batch``. ``exports`` holds
    ``(model, filepath, input_signature, opset_version)`` tuples, checked before any
    file is written (``Model.export`` passes one; TensorFlow starts once for all)."""
    if os.environ.get(_CHILD_MARKER):
        raise RuntimeError(
            "The ONNX exporter subprocess found no in-process ONNX writer on the "
            f"{backend.backend()!r} engine."
        )
    _require_packages("Exporting ONNX", ("tensorflow", "tf2onnx"))
    for model, *_ in exports:
        check_rebuildable(model, "an ONNX file")
    plan = {
        "format": "onnx",
        "exports": [
            {
                "model": index,
                "filepath": os.path.abspath(filepath),
                "input_signature": specs_to_json(input_signature),
                "opset_version": opset_version,
            }
            for index, (_, filepath, input_signature, opset_version) in enumerate(exports)
        ],
    }
    with tempfile.TemporaryDirectory(prefix="lamina-export-") as folder:
        _run_exporter(folder, [model for model, *_ in exports], plan, "the ONNX file")


def _require_packages(action: str, packages: tuple[str, ...]) -> None:
    missing = [name for name in packages if importlib.util.find_spec(name) is None]
    if missing:
        install = " ".join("tensorflow-cpu" if name == "tensorflow" else name for name in missing)
        raise ImportError(
            f"{action} from the {backend.backend()!r} engine re-runs the model on the "
            f"TensorFlow engine in a subprocess, which needs the packages {list(packages)}; "
            f"not installed: {missing} (`pip install {install}`)."
        )


def _custom_objects(config, found: list[str]) -> list[str]:
    """The names of the objects in a serialized config that are not Lamina's own."""
    if isinstance(config, dict):
        module, class_name = config.get("module"), config.get("class_name")
        if (
            isinstance(class_name, str)
            and isinstance(module, str)
            and module.split(".")[0] not in ("keras", "lamina")
        ):
            name = config.get("registered_name") or class_name
            found.append(f"{name!r} from module {module!r}")
        for value in config.values():
            _custom_objects(value, found)
    elif isinstance(config, list):
        for value in config:
            _custom_objects(value, found)
    return found


def check_rebuildable(model, artifact: str) -> None:
    """Refuses, naming them, models with objects the TensorFlow-engine subprocess cannot
    rebuild from the ``.keras`` file: a fresh process knows only Lamina's own classes (the
    user's registrations and modules are not in it, and no module a file names is imported)."""
    from lamina.serialization.objects import serialize_keras_object  # floor 2½

    custom = sorted(set(_custom_objects(serialize_keras_object(model), [])))
    if custom:
        raise ValueError(
            f"Cannot write {artifact} of model {model.name!r} on the {backend.backend()!r} "
            "engine: it is written by a TensorFlow-engine subprocess that rebuilds the model "
            "from a .keras file, and that process cannot rebuild these custom objects: "
            f"{', '.join(custom)}. Export from the tensorflow engine "
            "(LAMINA_BACKEND=tensorflow) or the torch engine, where the model is exported "
            "in-process."
        )


def _run_exporter(folder: str, models: list, plan: dict, artifact: str) -> None:
    """Saves ``models`` and ``plan`` into ``folder`` and carries the plan out in a
    TensorFlow-engine subprocess."""
    model_files = []
    for index, model in enumerate(models):
        path = os.path.join(folder, f"model_{index}.keras")
        model.save(path)
        model_files.append(path)
    plan_path = os.path.join(folder, _PLAN_FILE)
    with open(plan_path, "w", encoding="utf-8") as file:
        json.dump({**plan, "models": model_files}, file)
    environment = {k: v for k, v in os.environ.items() if k != "KERAS_BACKEND"}
    environment["LAMINA_BACKEND"] = "tensorflow"
    environment[_CHILD_MARKER] = "1"
    environment.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    result = subprocess.run(
        [sys.executable, "-m", "lamina.export.subprocess_archive", plan_path],
        env=environment,
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        raise RuntimeError(
            f"Writing {artifact} on the TensorFlow engine failed (in a subprocess); its "
            f"error output ends with:\n{result.stderr[-4000:]}"
        )


def _carry_out(plan_path: str) -> None:
    """The subprocess's side: reload the models on the TensorFlow engine and export them."""
    from lamina import saving
    from lamina.export.export_archive import ExportArchive

    if backend.backend() != "tensorflow":
        raise RuntimeError(
            f"The exporter subprocess must run on the tensorflow engine; it runs on "
            f"{backend.backend()!r}."
        )
    with open(plan_path, encoding="utf-8") as file:
        plan = json.load(file)
    # The files were written a moment ago by the parent from the user's own objects, so
    # their Lambda layers (if any) are as trusted as the model the user asked to export.
    models = [saving.load_model(path, compile=False, safe_mode=False) for path in plan["models"]]
    if plan["format"] == "onnx":
        for job in plan["exports"]:
            models[job["model"]].export(
                job["filepath"],
                format="onnx",
                input_signature=specs_from_json(job["input_signature"]),
                opset_version=job["opset_version"],
                verbose=False,
            )
        return
    archive = ExportArchive()
    for model in models:
        archive.track(model)
    for endpoint in plan["endpoints"]:
        model = models[endpoint["model"]]
        archive.add_endpoint(
            endpoint["name"],
            getattr(model, endpoint["method"]),
            specs_from_json(endpoint["input_signature"]),
        )
    for collection in plan["collections"]:
        variables = [models[m].variables[v] for m, v in collection["variables"]]
        archive.add_variable_collection(collection["name"], variables)
    description = archive._archive.write_out(plan["filepath"])
    folder = os.path.dirname(plan_path)
    with open(os.path.join(folder, _DESCRIPTION_FILE), "w", encoding="utf-8") as file:
        file.write(description)


if __name__ == "__main__":
    _carry_out(sys.argv[1])
