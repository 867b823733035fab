import base64
import binascii
import json
import marshal
import os
import subprocess
import sys
import zipfile

import h5py
import numpy as np
import pytest

import lamina
from lamina import layers, saving
from lamina.saving import file_inspector
from lamina.saving.__main__ import main
from lamina.saving.file_inspector import exit_code, inspect_file
from lamina.saving.inspection_text import format_report

KERAS_FILES = os.path.join(os.path.dirname(__file__), "keras_files")
CANARY = b"CANARY-SECRET-do-not-leak-7f3a"
# Parameters in the Keras-written fixtures' layers (tools/keras_interop/models.py).
KERAS_CNN_PARAMETERS = (3 * 3 * 1 * 32 + 32) + (3 * 3 * 32 * 64 + 64) + 4 * 64 + (1600 * 10 + 10)
KERAS_FUNCTIONAL_PARAMETERS = (8 * 5 + 5) + (3 * 5 + 5) + (5 * 5 + 5) + (10 * 3 + 3) + 11 + 20


def small_model(rng):
    model = lamina.Sequential(
        [
            lamina.Input((4,)),
            layers.Dense(3, activation="relu", name="hidden"),
            layers.Dense(2, name="head"),
        ],
        name="small",
    )
    model.compile(optimizer="adam", loss="mse", metrics=["mae"])
    model.set_weights([rng.standard_normal(w.shape).astype("float32") for w in model.get_weights()])
    return model


def layer_shapes(report):
    return {
        item["path"]: item["shape"]
        for item in report["weights"]["datasets"]
        if item["path"].startswith("layers/")
    }


def write_archive(path, config, weights_path, extra=()):
    metadata = {"keras_version": "3.15.1", "date_saved": "2026-01-02@03:04:05"}
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("metadata.json", json.dumps(metadata))
        archive.writestr("config.json", json.dumps(config))
        archive.write(weights_path, "model.weights.h5")
        for name, data in extra:
            archive.writestr(name, data)
    return str(path)


def random_weights_h5(path, rng):
    with h5py.File(path, "w") as h5_file:
        group = h5_file.create_group("layers/dense/vars")
        group.create_dataset("0", data=rng.standard_normal((4, 3)).astype("float32"))
        group.create_dataset("1", data=rng.standard_normal((3,)).astype("float32"))
        h5_file.create_group("vars")
    return str(path)


def external_storage_h5(folder, rng):
    secret = folder / "secret.bin"
    secret.write_bytes(CANARY * 4)
    path = folder / "external_storage.weights.h5"
    with h5py.File(path, "w") as h5_file:
        group = h5_file.create_group("layers/dense/vars")
        group.create_dataset(
            "0", shape=(len(CANARY),), dtype="u1", external=[(str(secret), 0, h5py.h5f.UNLIMITED)]
        )
        group.create_dataset("1", data=rng.standard_normal((3,)).astype("float32"))
    return str(path)


def external_link_h5(folder, rng):
    other = folder / "other.h5"
    with h5py.File(other, "w") as h5_file:
        h5_file.create_dataset("x", data=np.frombuffer(CANARY, np.uint8))
    path = folder / "external_link.weights.h5"
    with h5py.File(path, "w") as h5_file:
        group = h5_file.create_group("layers/dense/vars")
        group["0"] = h5py.ExternalLink(str(other), "/x")
        group.create_dataset("1", data=rng.standard_normal((3,)).astype("float32"))
    return str(path)


HOSTILE_H5 = {
    "external_storage": (external_storage_h5, "external raw files"),
    "external_link": (external_link_h5, "is an external link"),
}


def evil_config():
    """A model naming a module outside Lamina and a Lambda carrying (fake) bytecode."""
    return {
        "module": "keras",
        "class_name": "Sequential",
        "config": {
            "name": "evil_model",
            "layers": [
                {
                    "module": "evil_module_xyz",
                    "class_name": "EvilLayer",
                    "config": {"name": "evil"},
                    "registered_name": None,
                },
                {
                    "module": "keras.layers",
                    "class_name": "Lambda",
                    "config": {
                        "name": "lam",
                        "function": {
                            "class_name": "__lambda__",
                            "config": {
                                "code": base64.b64encode(b"BYTECODE-MARKER").decode(),
                                "defaults": None,
                                "closure": None,
                            },
                        },
                    },
                    "registered_name": None,
                },
            ],
        },
        "registered_name": None,
    }


# ---- Lamina-written files ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("zipped", "weights_format"), [(True, "h5"), (False, "h5"), (True, "safetensors")]
)
def test_lamina_keras_archive(tmp_path, rng, zipped, weights_format):
    model = small_model(rng)
    path = tmp_path / "small.keras"
    saving.save_model(model, path, zipped=zipped, weights_format=weights_format)
    report = inspect_file(path)

    assert report["kind"] == ("keras" if zipped else "keras_directory")
    assert report["metadata"]["lamina_version"] == lamina.__version__
    assert isinstance(report["metadata"]["keras_version"], str)
    assert isinstance(report["metadata"]["date_saved"], str)
    objects = {item["path"]: item for item in report["config"]["objects"]}
    assert objects["small"]["class_name"] == "Sequential"
    assert objects["small/layers/hidden"]["class_name"] == "Dense"
    assert objects["small/layers/head"]["module"].endswith("layers")
    assert all(item["refusal"] is None for item in objects.values())
    assert report["compile"]["optimizer"] == "Adam"
    assert report["compile"]["loss"] == ["mse"]
    assert report["compile"]["metrics"] == ["mae"]

    weights = report["weights"]
    assert weights["member"] == f"model.weights.{weights_format}"
    assert sorted(map(tuple, layer_shapes(report).values())) == sorted(
        tuple(w.shape) for w in model.weights
    )
    assert weights["parameters"]["layers"] == model.count_params() == 4 * 3 + 3 + 3 * 2 + 2
    assert weights["total_parameters"] == sum(weights["parameters"].values())
    assert report["refusals"] == []
    assert report["errors"] == []
    assert exit_code(report) == 0
    json.dumps(report)  # JSON-ready as it stands


def test_lamina_weights_files_h5_and_safetensors_agree(tmp_path, rng):
    model = small_model(rng)
    model.save_weights(tmp_path / "w.weights.h5")
    model.save_weights(tmp_path / "w.safetensors")
    h5_report = inspect_file(tmp_path / "w.weights.h5")
    safetensors_report = inspect_file(tmp_path / "w.safetensors")

    assert h5_report["kind"] == "weights_h5"
    assert safetensors_report["kind"] == "safetensors"
    for report in (h5_report, safetensors_report):
        assert report["metadata"] is None
        assert report["config"] is None
        assert report["weights"]["parameters"]["layers"] == model.count_params()
        assert exit_code(report) == 0
    assert h5_report["weights"]["datasets"] == safetensors_report["weights"]["datasets"]
    assert {item["dtype"] for item in h5_report["weights"]["datasets"]} >= {"float32"}


def test_cli_prints_a_readable_report(tmp_path, rng, capsys):
    model = small_model(rng)
    model.save(tmp_path / "small.keras")
    model.save_weights(tmp_path / "small.safetensors")

    assert main(["inspect", str(tmp_path / "small.keras")]) == 0
    text = capsys.readouterr().out
    assert ".keras archive (zip)" in text
    assert f"lamina_version:   {lamina.__version__}" in text
    assert "small/layers/hidden" in text
    assert "Dense" in text
    assert "Weights in model.weights.h5 (HDF5)" in text
    assert "(4, 3)" in text
    assert "float32" in text
    assert "Parameters:" in text
    assert "REFUSED" not in text

    assert main(["inspect", str(tmp_path / "small.safetensors")]) == 0
    assert "Weights (safetensors)" in capsys.readouterr().out


# ---- Keras-written files -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "loss", "parameters"),
    [
        ("keras_cnn.keras", ["categorical_crossentropy"], KERAS_CNN_PARAMETERS),
        ("keras_functional.keras", ["sparse_categorical_crossentropy", "mse"], 159),
    ],
)
def test_keras_written_archives(name, loss, parameters):
    report = inspect_file(os.path.join(KERAS_FILES, name))
    assert report["kind"] == "keras"
    assert report["metadata"] == {
        "keras_version": "3.15.1",
        "lamina_version": None,
        "date_saved": "2026-11-28@19:46:04",
    }
    class_names = {item["class_name"] for item in report["config"]["objects"]}
    assert {"InputLayer", "Dense", "DTypePolicy", "GlorotUniform", "Adam"} <= class_names
    assert report["compile"]["optimizer"] == "Adam"
    assert report["compile"]["loss"] == loss
    assert report["weights"]["parameters"]["layers"] == parameters
    assert report["weights"]["datasets"][0]["dtype"] == "float32"
    assert exit_code(report) == 0
    assert "Config: 30 objects, 0 refused" in format_report(report)


def test_keras_written_weights_file():
    report = inspect_file(os.path.join(KERAS_FILES, "keras_functional.weights.h5"))
    assert report["kind"] == "weights_h5"
    assert KERAS_FUNCTIONAL_PARAMETERS == 159
    assert report["weights"]["parameters"]["layers"] == KERAS_FUNCTIONAL_PARAMETERS
    paths = [item["path"] for item in report["weights"]["datasets"]]
    assert paths.index("optimizer/vars/2") < paths.index("optimizer/vars/10")  # natural order
    assert {"path": "optimizer/vars/0", "shape": [], "dtype": "int32"} in report["weights"][
        "datasets"
    ]
    assert exit_code(report) == 0


# ---- hostile files -----------------------------------------------------------------------


def assert_weights_refused(report, reason):
    weights = report["weights"]
    assert weights["datasets"] is None
    assert weights["parameters"] is None
    assert weights["refusal"]["path"] == "/layers/dense/vars/0"
    assert reason in weights["refusal"]["reason"]
    assert {"where": "weights", **weights["refusal"]} in report["refusals"]
    assert exit_code(report) == 2
    assert CANARY.decode() not in json.dumps(report)
    text = format_report(report)
    assert "REFUSED" in text
    assert "/layers/dense/vars/0" in text


@pytest.mark.parametrize("hostile", sorted(HOSTILE_H5))
def test_hostile_weights_file_alone(tmp_path, rng, hostile):
    make, reason = HOSTILE_H5[hostile]
    report = inspect_file(make(tmp_path, rng))
    assert report["kind"] == "weights_h5"
    assert_weights_refused(report, reason)


@pytest.mark.parametrize("hostile", sorted(HOSTILE_H5))
def test_hostile_weights_inside_a_keras_archive(tmp_path, rng, hostile):
    make, reason = HOSTILE_H5[hostile]
    config = small_model(rng).get_config()
    config = {"module": "keras", "class_name": "Sequential", "config": config}
    path = write_archive(tmp_path / "hostile.keras", config, make(tmp_path, rng))
    report = inspect_file(path)
    # The rest of the file is still reported.
    assert report["metadata"]["keras_version"] == "3.15.1"
    assert "small/layers/hidden" in [item["path"] for item in report["config"]["objects"]]
    assert_weights_refused(report, reason)


def test_refused_config_is_reported_without_importing_or_decoding(tmp_path, rng, monkeypatch):
    # A module the config names is importable here; inspecting must still never import it.
    sentinel = tmp_path / "imported"
    (tmp_path / "evil_module_xyz.py").write_text(
        f"open({str(sentinel)!r}, 'w').close()\nclass EvilLayer: pass\n"
    )
    monkeypatch.syspath_prepend(str(tmp_path))

    def never(*args, **kwargs):
        raise AssertionError("the inspector decoded serialized code")

    for module, name in ((base64, "b64decode"), (binascii, "a2b_base64"), (marshal, "loads")):
        monkeypatch.setattr(module, name, never)
    path = write_archive(
        tmp_path / "evil.keras", evil_config(), random_weights_h5(tmp_path / "w.h5", rng)
    )
    report = inspect_file(path)
    monkeypatch.undo()

    assert "evil_module_xyz" not in sys.modules
    assert not sentinel.exists()
    objects = {item["path"]: item for item in report["config"]["objects"]}
    assert "evil_module_xyz" in objects["evil_model/layers/evil"]["refusal"]
    assert objects["evil_model/layers/lam"]["refusal"] is None  # the layer class is Keras's
    assert "__lambda__" in objects["evil_model/layers/lam/function"]["refusal"]
    assert [item["path"] for item in report["refusals"]] == [
        "evil_model/layers/evil",
        "evil_model/layers/lam/function",
    ]
    assert report["weights"]["parameters"] == {"layers": 4 * 3 + 3}  # weights still reported
    assert exit_code(report) == 2
    code = evil_config()["config"]["layers"][1]["config"]["function"]["config"]["code"]
    assert code not in json.dumps(report)
    assert code not in format_report(report)
    assert "REFUSED" in format_report(report)


def test_archive_member_escaping_its_folder_is_refused(tmp_path, rng):
    weights = random_weights_h5(tmp_path / "w.h5", rng)
    path = write_archive(tmp_path / "escape.keras", evil_config(), weights, [("../x", b"x")])
    report = inspect_file(path)
    assert report["refusals"][0]["where"] == "archive"
    assert "../x" in report["refusals"][0]["reason"]
    assert report["config"] is None
    assert exit_code(report) == 2


def test_terminal_control_characters_are_escaped(tmp_path, rng):
    config = evil_config()
    config["config"]["layers"][0]["class_name"] = "Evil\x1b[2J"
    path = write_archive(tmp_path / "ansi.keras", config, random_weights_h5(tmp_path / "w", rng))
    text = format_report(inspect_file(path))
    assert "\x1b" not in text
    assert "Evil\\x1b[2J" in text


# ---- files that are no model file --------------------------------------------------------


def test_not_a_model_file(tmp_path):
    text_file = tmp_path / "notes.txt"
    text_file.write_text("just some text, no model here\n")
    with pytest.raises(saving.SavedFileError, match="not a model file"):
        inspect_file(text_file)
    with pytest.raises(FileNotFoundError):
        inspect_file(tmp_path / "missing.keras")
    truncated = tmp_path / "bad.safetensors"
    truncated.write_bytes((1000).to_bytes(8, "little") + b'{"a"')
    with pytest.raises(saving.SavedFileError, match="safetensors"):
        inspect_file(truncated)
    not_hdf5 = tmp_path / "bad.weights.h5"
    not_hdf5.write_bytes(b"\x89HDF\r\n\x1a\n" + bytes(64))
    with pytest.raises(saving.SavedFileError, match="HDF5"):
        inspect_file(not_hdf5)


@pytest.mark.parametrize(
    ("shape", "offsets", "message"),
    [([1000], [0, 4000], "past the end"), ([1000], [0, 8], "span")],
)
def test_safetensors_header_that_lies(tmp_path, shape, offsets, message):
    header = json.dumps({"w": {"dtype": "F32", "shape": shape, "data_offsets": offsets}})
    path = tmp_path / "lie.safetensors"
    path.write_bytes(len(header).to_bytes(8, "little") + header.encode() + bytes(8))
    with pytest.raises(saving.SavedFileError, match=message):
        inspect_file(path)


def test_command_line_exit_codes(tmp_path, rng):
    """The two real subprocess runs (each imports an engine): a hostile file as JSON, then a
    file that is no model file."""
    hostile = external_link_h5(tmp_path, rng)
    notes = tmp_path / "notes.txt"
    notes.write_text("not a model\n")
    command = [sys.executable, "-m", "lamina.saving", "inspect"]

    result = subprocess.run([*command, hostile, "--json"], capture_output=True, text=True)
    assert result.returncode == 2, result.stderr
    report = json.loads(result.stdout)
    assert report["refusals"][0]["path"] == "/layers/dense/vars/0"

    result = subprocess.run([*command, str(notes)], capture_output=True, text=True)
    assert result.returncode == 1
    assert result.stdout == ""
    # One error line, last; TensorFlow's runtime may log to stderr on import before it.
    lines = result.stderr.splitlines()
    assert lines[-1].startswith("error: ")
    assert sum(line.startswith("error: ") for line in lines) == 1


def test_module_is_exported():
    assert saving.inspect_file is file_inspector.inspect_file
    assert "inspect_file" in saving.__all__
