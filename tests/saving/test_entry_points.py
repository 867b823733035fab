"""Every public function that builds objects from data goes through the one allow-list
resolver, and every file reader through the one archive reader and HDF5 opener.

The table below lists the entry points; a scan of the public packages fails when a new
``deserialize``/``get``/``load_*``/``*_from_*`` function appears that the table does not
cover, so a new way in cannot skip the resolver unnoticed."""

import importlib
import json
import pathlib
import sys

import numpy as np
import pytest

import lamina
from lamina import layers
from lamina.saving import archive, h5_safety
from lamina.saving.errors import UnsafeFileError
from lamina.serialization import allow_list

EVIL = {"module": "evil_payload_pkg.tools", "class_name": "Payload", "config": {}}
PUBLIC_PACKAGES = (
    "lamina",
    "lamina.activations",
    "lamina.constraints",
    "lamina.dtype_policies",
    "lamina.initializers",
    "lamina.layers",
    "lamina.losses",
    "lamina.metrics",
    "lamina.models",
    "lamina.optimizers",
    "lamina.regularizers",
    "lamina.saving",
    "lamina.serialization",
    "lamina.utils",
)
BUILDER_PREFIXES = ("deserialize", "get", "load_model", "model_from", "clone_model", "from_")
NOT_BUILDERS = {
    "get_custom_objects",
    "get_registered_name",
    "get_registered_object",
    "get_file",
    "get_source_inputs",
}


def sequential_config(inner_layer):
    model = lamina.Sequential([lamina.Input((3,)), layers.Dense(2)])
    config = lamina.saving.serialize_keras_object(model)
    config["config"]["layers"].append(inner_layer)
    return config


def functional_config(inner_layer):
    inputs = lamina.Input((3,))
    model = lamina.Model(inputs, layers.Dense(2)(inputs))
    config = lamina.saving.serialize_keras_object(model)
    config["config"]["layers"][-1] = {**inner_layer, "name": "x", "inbound_nodes": []}
    return config


def in_a_dense(field):
    return {**layers.serialize(layers.Dense(2)), "config": {"units": 2, field: EVIL}}


def _load_archive(tmp_path):
    path = str(tmp_path / "evil.keras")
    model = lamina.Sequential([lamina.Input((3,)), layers.Dense(2)])
    model.save(path)
    import zipfile

    evil = tmp_path / "rewritten.keras"
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(evil, "w") as target:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == "config.json":
                data = json.dumps(sequential_config(EVIL)).encode()
            target.writestr(info, data)
    return str(evil)


def _legacy_h5(tmp_path):
    """A legacy Keras 2 whole-model `.h5` file whose config names `Payload`."""
    import h5py

    path = str(tmp_path / "evil.h5")
    with h5py.File(path, "w") as h5_file:
        h5_file.attrs["model_config"] = json.dumps(sequential_config(EVIL))
        h5_file.create_group("model_weights").attrs["layer_names"] = []
    return path


# name -> a call that hands the function data naming the unregistered class `Payload`.
ENTRY_POINTS = {
    "lamina.saving.load_model": lambda tmp: lamina.saving.load_model(_load_archive(tmp)),
    "lamina.saving.load_model (legacy .h5)": lambda tmp: lamina.saving.load_model(
        _legacy_h5(tmp)
    ),
    "lamina.models.load_model": lambda tmp: lamina.models.load_model(_load_archive(tmp)),
    "lamina.models.model_from_json": lambda tmp: lamina.models.model_from_json(
        json.dumps(sequential_config(EVIL))
    ),
    "lamina.saving.deserialize_keras_object": lambda tmp: lamina.saving.deserialize_keras_object(
        sequential_config(EVIL)
    ),
    "lamina.utils.deserialize_keras_object": lambda tmp: lamina.utils.deserialize_keras_object(
        sequential_config(EVIL)
    ),
    "lamina.serialization.deserialize_keras_object": lambda tmp: (
        lamina.serialization.deserialize_keras_object(EVIL)
    ),
    "Sequential.from_config": lambda tmp: lamina.Sequential.from_config(
        sequential_config(EVIL)["config"]
    ),
    "Model.from_config (Functional)": lambda tmp: lamina.Model.from_config(
        functional_config(EVIL)["config"]
    ),
    "Layer.from_config (nested initializer)": lambda tmp: layers.Dense.from_config(
        in_a_dense("kernel_initializer")["config"]
    ),
    "lamina.layers.deserialize": lambda tmp: layers.deserialize(EVIL),
    "lamina.activations.deserialize": lambda tmp: lamina.activations.deserialize(EVIL),
    "lamina.activations.get": lambda tmp: lamina.activations.get(EVIL),
    "lamina.constraints.deserialize": lambda tmp: lamina.constraints.deserialize(EVIL),
    "lamina.constraints.get": lambda tmp: lamina.constraints.get(EVIL),
    "lamina.dtype_policies.deserialize": lambda tmp: lamina.dtype_policies.deserialize(EVIL),
    "lamina.dtype_policies.get": lambda tmp: lamina.dtype_policies.get(EVIL),
    "lamina.initializers.deserialize": lambda tmp: lamina.initializers.deserialize(EVIL),
    "lamina.initializers.get": lambda tmp: lamina.initializers.get(EVIL),
    "lamina.losses.deserialize": lambda tmp: lamina.losses.deserialize(EVIL),
    "lamina.losses.get": lambda tmp: lamina.losses.get(EVIL),
    "lamina.metrics.deserialize": lambda tmp: lamina.metrics.deserialize(EVIL),
    "lamina.metrics.get": lambda tmp: lamina.metrics.get(EVIL),
    "lamina.optimizers.deserialize": lambda tmp: lamina.optimizers.deserialize(EVIL),
    "lamina.optimizers.get": lambda tmp: lamina.optimizers.get(EVIL),
    "lamina.regularizers.deserialize": lambda tmp: lamina.regularizers.deserialize(EVIL),
    "lamina.regularizers.get": lambda tmp: lamina.regularizers.get(EVIL),
}
# Public builder-like names that build nothing from data, each with the reason.
NOT_ENTRY_POINTS = {
    "lamina.saving.load_weights": "assigns numbers to an existing model (tested below)",
    "lamina.models.clone_model": (
        "rebuilds in-memory layers by their own classes; nested configs go through the "
        "resolver (tests/models/test_cloning.py)"
    ),
}


@pytest.fixture
def resolver_calls(monkeypatch):
    calls = []
    real = allow_list.resolve_class

    def spy(config, module_objects=None, custom_objects=None):
        calls.append(config.get("class_name"))
        return real(config, module_objects, custom_objects)

    monkeypatch.setattr(allow_list, "resolve_class", spy)
    return calls


def test_the_table_lists_every_public_builder():
    found = set()
    for package_name in PUBLIC_PACKAGES:
        package = importlib.import_module(package_name)
        names = getattr(package, "__all__", None) or dir(package)
        for name in names:
            is_builder = name.startswith(BUILDER_PREFIXES) and name not in NOT_BUILDERS
            if is_builder and callable(getattr(package, name, None)):
                found.add(f"{package_name}.{name}")
    covered = set(ENTRY_POINTS) | set(NOT_ENTRY_POINTS)
    assert found - covered == set(), "new public builders must be added to ENTRY_POINTS"


@pytest.mark.parametrize("entry_point", sorted(ENTRY_POINTS))
def test_each_entry_point_goes_through_the_resolver(entry_point, resolver_calls, tmp_path):
    with pytest.raises(ValueError, match="Payload"):
        ENTRY_POINTS[entry_point](tmp_path)
    assert "Payload" in resolver_calls
    assert "evil_payload_pkg" not in sys.modules


def test_a_file_cannot_switch_safe_mode_off(tmp_path):
    """Keys that look like switches inside the file change nothing."""
    path = _load_archive(tmp_path)
    with pytest.raises(UnsafeFileError, match="Payload"):
        lamina.saving.load_model(path)
    config = sequential_config(EVIL)
    config["safe_mode"] = False
    config["config"]["safe_mode"] = False
    with pytest.raises(ValueError, match="Payload"):
        lamina.models.model_from_json(json.dumps(config))


def test_loaders_read_files_through_the_one_reader_and_opener(tmp_path, monkeypatch, rng):
    model = lamina.Sequential([lamina.Input((3,)), layers.Dense(2)])
    model.set_weights([rng.standard_normal(w.shape).astype("float32") for w in model.get_weights()])
    model.save(str(tmp_path / "m.keras"))
    model.save(str(tmp_path / "d.keras"), zipped=False)
    model.save_weights(str(tmp_path / "m.weights.h5"))
    archives, opened = [], []
    real_read, real_open = archive.read_archive, h5_safety.open_h5
    monkeypatch.setattr(
        archive, "read_archive", lambda *a, **k: archives.append(a[0]) or real_read(*a, **k)
    )
    monkeypatch.setattr(
        h5_safety, "open_h5", lambda *a, **k: opened.append(a[1]) or real_open(*a, **k)
    )
    with open(tmp_path / "m.keras", "rb") as file_object:
        loaded = [
            lamina.saving.load_model(str(tmp_path / "m.keras")),
            lamina.saving.load_model(str(tmp_path / "d.keras")),
            lamina.saving.load_model(file_object),
        ]
    model.load_weights(str(tmp_path / "m.keras"))
    model.load_weights(str(tmp_path / "m.weights.h5"))
    legacy = str(pathlib.Path(__file__).parent / "keras_files" / "legacy" / "sequential.h5")
    lamina.saving.load_model(legacy)  # legacy Keras 2 `.h5` files: the same opener
    lamina.saving.load_model(legacy).load_weights(legacy)
    assert len(archives) == 4
    assert len(opened) == 8
    for other in loaded:
        for want, got in zip(model.get_weights(), other.get_weights()):
            np.testing.assert_array_equal(want, got)


def test_enable_unsafe_deserialization_lifts_the_refusal_but_never_runs_code(monkeypatch):
    monkeypatch.setattr(allow_list, "_UNSAFE_DESERIALIZATION", False)
    evil = {"module": "evil_payload_pkg", "class_name": "Payload", "config": {}}
    assert allow_list.refusal(evil) is not None
    lamina.config.enable_unsafe_deserialization()
    assert allow_list.refusal(evil) is None
    assert "bytecode" in allow_list.refusal({"class_name": "__lambda__", "config": {}})
    with pytest.raises(ValueError, match="Payload"):
        lamina.saving.deserialize_keras_object(evil)  # nothing to build it from
    assert "evil_payload_pkg" not in sys.modules
