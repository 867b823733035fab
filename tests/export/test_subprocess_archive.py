"""Artifacts written by a TensorFlow-engine subprocess: ONNX from the JAX and NumPy engines
(through tf2onnx, checked in onnxruntime), and the checks made before the subprocess starts.

One module fixture exports both models in one subprocess, so TensorFlow starts once per
engine run.
"""

import importlib.util
import os
import sys

import numpy as np
import pytest

import lamina
from lamina import layers
from lamina.export import subprocess_archive
from lamina.export.input_signature import get_input_signature, standardize_input_signature
from tests.export.export_models import MODELS, model_and_data

_MISSING = [
    name
    for name in ("tensorflow", "tf2onnx", "onnxruntime")
    if importlib.util.find_spec(name) is None
]
needs_converters = pytest.mark.skipif(
    bool(_MISSING), reason=f"ONNX export through TensorFlow needs {_MISSING}, not installed"
)


class Doubler(layers.Layer):
    """A custom layer that is neither Lamina's nor importable by a fresh process."""

    def call(self, inputs):
        return inputs * 2.0


def _dense_model():
    return lamina.Sequential([lamina.Input((3,)), layers.Dense(2)])


@pytest.fixture(scope="module")
def onnx_files(tmp_path_factory):
    """Both export models written as ONNX files by one subprocess, with their inputs."""
    folder = tmp_path_factory.mktemp("onnx")
    rng = np.random.default_rng(1234)
    exports, cases = [], {}
    for kind in sorted(MODELS):
        model, x, _ = model_and_data(kind, rng)
        path = str(folder / f"{kind}.onnx")
        signature = standardize_input_signature(get_input_signature(model))
        exports.append((model, path, signature, None))
        cases[kind] = (model, path, x)
    subprocess_archive.export_onnx_in_subprocess(exports)
    return cases


@pytest.mark.engine("jax", "numpy")
@needs_converters
@pytest.mark.parametrize("kind", sorted(MODELS))
def test_onnx_from_a_subprocess_matches_predict_in_onnxruntime(onnx_files, kind):
    import onnxruntime

    model, path, x = onnx_files[kind]
    session = onnxruntime.InferenceSession(path, providers=["CPUExecutionProvider"])
    (feed,) = session.get_inputs()
    assert feed.shape[0] == "batch"
    x = np.concatenate([x, x[:2] + 1.0])  # batch 5: the batch axis is free
    (outputs,) = session.run(None, {feed.name: x})
    np.testing.assert_allclose(outputs, model.predict(x, verbose=0), rtol=1e-5, atol=1e-5)


@pytest.mark.engine("jax", "numpy")
@needs_converters
def test_model_export_onnx_hands_the_model_to_the_subprocess(tmp_path, monkeypatch, capsys):
    plans = []

    def record(folder, models, plan, artifact):
        plans.append((models, plan, artifact))

    monkeypatch.setattr(subprocess_archive, "_run_exporter", record)
    model = _dense_model()
    model.export(tmp_path / "m.onnx", format="onnx", opset_version=17)
    ((models, plan, artifact),) = plans
    assert models == [model]
    assert artifact == "the ONNX file"
    assert plan["format"] == "onnx"
    (job,) = plan["exports"]
    assert job["filepath"] == str(tmp_path / "m.onnx")
    assert job["opset_version"] == 17
    (spec,) = job["input_signature"]
    assert spec["shape"] == [None, 3]
    assert spec["dtype"] == "float32"
    assert f"Saved artifact at '{tmp_path / 'm.onnx'}'" in capsys.readouterr().out


@pytest.mark.engine("jax", "numpy")
@pytest.mark.parametrize("package", ["tensorflow", "tf2onnx"])
def test_onnx_without_a_converter_package_says_what_to_install(tmp_path, monkeypatch, package):
    monkeypatch.setitem(sys.modules, package, None)  # find_spec(package) is now None
    with pytest.raises(ImportError, match=rf"not installed: \['{package}'\]"):
        _dense_model().export(tmp_path / "m.onnx", format="onnx")
    assert os.listdir(tmp_path) == []


@needs_converters
@pytest.mark.parametrize(
    ("fmt", "engines"),
    [("onnx", ("jax", "numpy")), ("tf_saved_model", ("torch", "numpy"))],
)
def test_custom_layer_is_refused_by_name_before_the_subprocess(tmp_path, monkeypatch, fmt, engines):
    if lamina.backend.backend() not in engines:
        pytest.skip(f"format={fmt!r} is written in-process on {lamina.backend.backend()!r}")

    def fail(*args):
        raise AssertionError("the subprocess must not start")

    monkeypatch.setattr(subprocess_archive, "_run_exporter", fail)
    model = lamina.Sequential([lamina.Input((3,)), Doubler()])
    with pytest.raises(ValueError, match="custom objects: 'Doubler' from module 'tests.export"):
        model.export(tmp_path / "m", format=fmt, verbose=False)
    assert os.listdir(tmp_path) == []
