"""KerasFileEditor: read a weights file safely, compare it with a model, edit, resave."""

from __future__ import annotations

import h5py
import numpy as np
import pytest

import lamina
from lamina import layers
from lamina.saving import KerasFileEditor, UnsafeFileError
from tests.harness import assert_close, to_numpy


def _model(extra=False):
    inputs = lamina.Input((4,))
    x = layers.Dense(3, name="first")(inputs)
    if extra:
        x = layers.Dense(3, name="extra")(x)
    outputs = layers.Dense(2, name="last")(x)
    return lamina.Model(inputs, outputs)


@pytest.fixture
def saved(tmp_path):
    model = _model()
    path = tmp_path / "model.weights.h5"
    model.save_weights(path)
    return model, path


def test_reads_the_weights_as_nested_dicts_and_compares(saved, capsys):
    model, path = saved
    editor = KerasFileEditor(path)
    # Objects are named by class in the file (Keras's layout): dense, dense_1…
    first = editor.weights_dict["layers"]["dense"]
    assert list(first) == ["0", "1"]
    assert_close(first["0"], to_numpy(model.get_layer("first").kernel))
    editor.summary()
    out = capsys.readouterr().out
    assert "dense_1" in out
    assert "shape=(4, 3)" in out
    assert editor.compare(model) == {"status": "success", "error_count": 0, "match_count": 4}
    report = editor.compare(_model(extra=True))
    assert report["status"] == "error"
    assert report["error_count"] == 3  # dense_1 kernel and bias shapes, dense_2 missing
    assert "dense_2" in capsys.readouterr().out


def test_edit_then_load_into_a_changed_model(saved, tmp_path):
    model, path = saved
    changed = _model(extra=True)
    editor = KerasFileEditor(path)
    kernel = np.eye(3, dtype="float32")
    # The new layer sits between the two: the last layer's weights move to dense_2.
    editor.rename_object("dense_1", "dense_2")
    editor.add_object("layers/dense_1", weights={"0": kernel, "1": np.zeros(3, "float32")})
    assert editor.compare(changed)["status"] == "success"
    out = tmp_path / "edited.weights.h5"
    editor.save(out)
    changed.load_weights(out)
    x = np.random.default_rng(0).normal(size=(5, 4)).astype("float32")
    assert_close(to_numpy(changed(x)), to_numpy(model(x)), rtol=1e-5, atol=1e-5)


def test_rename_delete_and_weight_edits(saved):
    _, path = saved
    editor = KerasFileEditor(path)
    editor.rename_object("dense", "renamed")
    assert "renamed" in editor.weights_dict["layers"]
    assert "dense" not in editor.weights_dict["layers"]
    editor.delete_weight("layers/renamed", "1")
    assert list(editor.weights_dict["layers"]["renamed"]) == ["0"]
    editor.add_weights("renamed", {"1": np.ones(3)})
    assert list(editor.weights_dict["layers"]["renamed"]) == ["0", "1"]
    editor.delete_object("layers/dense_1")
    assert "dense_1" not in editor.weights_dict["layers"]
    with pytest.raises(ValueError, match="no object named"):
        editor.delete_object("missing")
    with pytest.raises(ValueError, match="leaf name"):
        editor.rename_object("renamed", "a/b")
    with pytest.raises(ValueError, match="not in 'renamed'"):
        editor.delete_weight("renamed", "7")
    with pytest.raises(ValueError, match="dict"):
        editor.add_object("layers/new", [np.ones(2)])
    with pytest.raises(ValueError, match=".weights.h5"):
        editor.save("out.h5")


def test_opens_keras_archives(tmp_path, capsys):
    model = _model()
    path = tmp_path / "model.keras"
    model.save(path)
    editor = KerasFileEditor(path)
    assert editor.config["class_name"] == "Functional"
    assert "Saved with Keras" in capsys.readouterr().out
    assert editor.compare(model)["status"] == "success"
    with pytest.raises(ValueError, match=".keras or .weights.h5"):
        KerasFileEditor(tmp_path / "model.txt")


def test_refuses_links_out_of_the_file(saved, tmp_path):
    _, path = saved
    with h5py.File(path, "a") as h5_file:
        h5_file["layers/dense/vars/2"] = h5py.ExternalLink("/etc/passwd", "/x")
    with pytest.raises(UnsafeFileError):
        KerasFileEditor(path)
