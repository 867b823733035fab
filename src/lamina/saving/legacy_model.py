"""Whole models from a legacy Keras 2 ``.h5`` file (``model.save("m.h5")`` in Keras 2, or in
Keras 3, which still writes the format): ``load_model`` hands such files here.

The file holds the model's config as JSON in its ``model_config`` attribute, the compile
arguments in ``training_config``, the weights in the ``model_weights`` group (the
``legacy_h5`` layout) and the optimizer's state in ``optimizer_weights``. Loading takes the
path a ``.keras`` file takes: the file is checked whole by ``h5_safety``, the config is
rewritten in Keras 3's schema (``legacy_config``) and checked by the allow-list before any
object is built (Lambda bytecode is always refused; with ``safe_mode=True``, any class that
is neither Lamina's nor registered), the model is rebuilt under a variable budget set by
the file's size, and every weight is checked against it before any value is read.
"""

from __future__ import annotations

import json
import os
import warnings

import h5py

from lamina import backend
from lamina.saving import h5_safety, legacy_config, legacy_h5
from lamina.saving.errors import SavedFileError, UnsafeFileError
from lamina.saving.h5_safety import read_dataset
from lamina.serialization import allow_list

_VARIABLE_SLACK_BYTES = 64 << 20
# Keras 2.11+ optimizer arguments that Keras 3 optimizers do not take.
_KERAS2_OPTIMIZER_ONLY = ("is_legacy_optimizer", "jit_compile")
_COMPILE_MODULES = (
    ("optimizer", "keras.optimizers"),
    ("loss", "keras.losses"),
    ("metrics", "keras.metrics"),
    ("weighted_metrics", "keras.metrics"),
)


def _json_attribute(h5_file, name: str, label: str):
    """A JSON attribute (``model_config``, ``training_config``) parsed; None when absent."""
    raw = h5_file.attrs.get(name)
    if raw is None:
        return None
    if hasattr(raw, "tobytes") and not isinstance(raw, bytes):
        raw = raw.tobytes() if raw.dtype.kind == "S" else str(raw)
    if isinstance(raw, bytes):
        raw = raw.decode("utf-8", "replace")
    if not isinstance(raw, str):
        raise SavedFileError(f"{label}: the `{name}` attribute is not JSON text.")

    def tuples(value: dict):
        # Keras 2's JSON encoder wrote tuples as {"class_name": "__tuple__", "items": [...]}.
        if value.get("class_name") == "__tuple__" and isinstance(value.get("items"), list):
            return value["items"]
        return value

    try:
        return json.loads(raw, object_hook=tuples)
    except (ValueError, RecursionError) as error:
        raise SavedFileError(
            f"{label}: the `{name}` attribute is not valid JSON ({error})."
        ) from None


def _with_modules(value, module: str):
    """Gives each serialized object in a compile argument (a loss, a list or dict of
    metrics) the package it was written from."""
    if isinstance(value, list):
        return [_with_modules(item, module) for item in value]
    if isinstance(value, dict) and isinstance(value.get("class_name"), str):
        if "module" in value:
            return value
        return {**value, "module": module, "registered_name": value.get("registered_name")}
    if isinstance(value, dict):
        return {key: _with_modules(item, module) for key, item in value.items()}
    return value


def compile_config_from_training_config(training_config: dict) -> dict:
    """A Keras 2 ``training_config`` as the ``compile_config`` Lamina compiles from."""
    optimizer = dict(training_config.get("optimizer_config") or {})
    inner = dict(optimizer.get("config") or {})
    for key in _KERAS2_OPTIMIZER_ONLY:
        inner.pop(key, None)
    if "lr" in inner:  # Keras 1/early Keras 2 spelling
        inner.setdefault("learning_rate", inner.pop("lr"))
    if optimizer:
        optimizer["config"] = inner
    config = {
        "optimizer": optimizer or None,
        "loss": training_config.get("loss"),
        "loss_weights": training_config.get("loss_weights"),
        "metrics": training_config.get("metrics"),
        "weighted_metrics": training_config.get("weighted_metrics"),
    }
    for key in ("metrics", "weighted_metrics"):
        value = config[key]
        if isinstance(value, list) and len(value) == 1 and isinstance(value[0], list):
            config[key] = value[0]  # tf.keras 2 nested a single output's metrics: [[...]]
    for key, module in _COMPILE_MODULES:
        config[key] = _with_modules(config[key], module)
    return config


def _compile(model, training_config, h5_file, label, custom_objects, safe_mode) -> None:
    from lamina.serialization import CustomObjectScope

    if not isinstance(training_config, dict):
        raise SavedFileError(f"{label}: `training_config` is not a dict.")
    compile_config = compile_config_from_training_config(training_config)
    try:
        allow_list.check_config(compile_config, custom_objects, safe_mode)
    except ValueError as error:
        raise UnsafeFileError(f"{label}: {error}") from error
    try:
        with CustomObjectScope(custom_objects or {}):
            model.compile_from_config(compile_config)
    except (ValueError, TypeError, KeyError, LookupError) as error:
        raise SavedFileError(
            f"Cannot compile the model saved in {label} from its training config: {error}. "
            "Load it with compile=False and compile it yourself."
        ) from error
    _restore_optimizer(model, h5_file, label)


def _restore_optimizer(model, h5_file, label) -> None:
    """The optimizer's saved state, when it fits the rebuilt optimizer variable for variable
    (as Keras: otherwise a warning, and the optimizer starts fresh)."""
    group = h5_file.get("optimizer_weights")
    optimizer = getattr(model, "optimizer", None)
    if not isinstance(group, h5py.Group) or optimizer is None:
        return
    datasets = legacy_h5.saved_layer_datasets(group, label)
    variables = list(optimizer.variables)
    shapes_fit = len(datasets) == len(variables) and all(
        tuple(v.shape) == tuple(d.shape) for v, d in zip(variables, datasets)
    )
    if not shapes_fit:
        warnings.warn(
            f"The optimizer state saved in {label} ({len(datasets)} variables) does not fit "
            f"the rebuilt optimizer ({len(variables)} variables); it starts fresh.",
            stacklevel=4,
        )
        return
    values = [read_dataset(dataset) for dataset in datasets]
    for variable, value in zip(variables, values):
        variable.assign(value)


def load_legacy_model(filepath: str, custom_objects=None, compile=True, safe_mode=True):
    """Loads a whole model from a legacy Keras 2 ``.h5``/``.hdf5`` file (see the module
    doc). Raises ``SavedFileError`` (``UnsafeFileError`` for what the allow-list or the
    HDF5 check refuses) and returns no model when anything does not fit."""
    from lamina.saving.keras_archive import rebuild_model  # the .keras path's one rebuild

    state = backend.global_state
    with h5_safety.open_h5(filepath, filepath) as h5_file:
        config = _json_attribute(h5_file, "model_config", filepath)
        if config is None:
            raise SavedFileError(
                f"{filepath} has no `model_config` attribute: it holds weights only. Build "
                "the model and call `model.load_weights(...)` instead."
            )
        config = legacy_config.convert_model_config(config)
        budget = 2 * os.path.getsize(filepath) + _VARIABLE_SLACK_BYTES
        with (
            state.variable_budget(budget, f"the size of {filepath}"),
            state.deferred_initializers() as deferred,
        ):
            model = rebuild_model(filepath, config, custom_objects, False, safe_mode)
        group = legacy_h5.weights_group(h5_file, filepath)
        filled = set()
        for variable, dataset in legacy_h5.plan_legacy_weights(group, model, filepath):
            variable.assign_owned(read_dataset(dataset))  # a new model: discarded on failure
            filled.add(id(variable))
        state.run_deferred(deferred, filled)
        training_config = _json_attribute(h5_file, "training_config", filepath)
        if compile and training_config is not None:
            _compile(model, training_config, h5_file, filepath, custom_objects, safe_mode)
    return model


__all__ = ["compile_config_from_training_config", "load_legacy_model"]
