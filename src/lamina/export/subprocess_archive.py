"""SavedModels from engines that cannot write one in-process (torch, NumPy).

The tracked models are saved as ``.keras`` files into a temporary folder with a JSON plan
of the endpoints, and ``python -m lamina.export.subprocess_archive plan.json`` reloads them
under ``LAMINA_BACKEND=tensorflow`` (an engine is chosen once per process) and writes the
SavedModel there with the TensorFlow engine's own ``ExportArchive``: the same weights, run
by the same layer code, traced as ``tf.function``s.
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
        if importlib.util.find_spec("tensorflow") is None:
            raise ImportError(
                f"Exporting a SavedModel from the {backend.backend()!r} engine re-runs the model "
                "on the TensorFlow engine, which needs the `tensorflow` package "
                "(`pip install tensorflow-cpu`)."
            )
        with tempfile.TemporaryDirectory(prefix="lamina-export-") as folder:
            model_files = []
            for index, model in enumerate(self._models):
                path = os.path.join(folder, f"model_{index}.keras")
                model.save(path)
                model_files.append(path)
            plan = {
                "models": model_files,
                "endpoints": self._endpoints,
                "collections": self._collections,
                "filepath": os.path.abspath(filepath),
            }
            plan_path = os.path.join(folder, _PLAN_FILE)
            with open(plan_path, "w", encoding="utf-8") as file:
                json.dump(plan, file)
            _run_exporter(plan_path)
            with open(os.path.join(folder, _DESCRIPTION_FILE), encoding="utf-8") as file:
                return file.read()


def _run_exporter(plan_path: str) -> None:
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
            "Writing the SavedModel on the TensorFlow engine failed (in a subprocess); its "
            f"error output ends with:\n{result.stderr[-4000:]}"
        )


def _carry_out(plan_path: str) -> None:
    """The subprocess's side: reload the models on the TensorFlow engine and export them."""
    from lamina import saving
    from lamina.export.export_archive import ExportArchive

    if backend.backend() != "tensorflow":
        raise RuntimeError(
            f"The SavedModel exporter must run on the tensorflow engine; it runs on "
            f"{backend.backend()!r}."
        )
    with open(plan_path, encoding="utf-8") as file:
        plan = json.load(file)
    # The files were written a moment ago by the parent from the user's own objects, so
    # their Lambda layers (if any) are as trusted as the model the user asked to export.
    models = [saving.load_model(path, compile=False, safe_mode=False) for path in plan["models"]]
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
