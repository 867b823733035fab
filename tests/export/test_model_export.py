"""Model.export's formats besides SavedModel: ONNX (torch; TensorFlow through tf2onnx;
checked in onnxruntime; JAX and NumPy in test_subprocess_archive.py), torch.export programs,
and the errors for formats an engine cannot write."""

import importlib.util
import sys

import numpy as np
import pytest

import lamina
from lamina import layers
from tests.export.export_models import MODELS, model_and_data


@pytest.fixture
def dense_model():
    return lamina.Sequential([lamina.Input((3,)), layers.Dense(2)])


def test_unknown_format_lists_the_supported_ones(dense_model, tmp_path):
    with pytest.raises(ValueError, match=r"format='h5'; supported formats are \['tf_saved_model'"):
        dense_model.export(tmp_path / "m", format="h5")


@pytest.mark.parametrize("fmt", ["openvino", "litert"])
def test_formats_not_built_say_so(dense_model, tmp_path, fmt):
    with pytest.raises(NotImplementedError, match=f"format='{fmt}'"):
        dense_model.export(tmp_path / "m", format=fmt)


@pytest.mark.engine("jax", "numpy")
def test_torch_program_needs_the_torch_engine(dense_model, tmp_path):
    with pytest.raises(ValueError, match="needs the torch engine"):
        dense_model.export(tmp_path / "m.pt2", format="torch")


@pytest.mark.engine("torch")
@pytest.mark.skipif(
    importlib.util.find_spec("onnxruntime") is None or importlib.util.find_spec("onnx") is None,
    reason="onnx and onnxruntime are not installed",
)
@pytest.mark.parametrize("kind", sorted(MODELS))
def test_onnx_export_matches_in_onnxruntime(tmp_path, rng, kind, capsys):
    import onnxruntime

    model, x, y = model_and_data(kind, rng)
    path = tmp_path / f"{kind}.onnx"
    model.export(path, format="onnx")
    assert f"Saved artifact at '{path}'" in capsys.readouterr().out
    session = onnxruntime.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    (feed,) = session.get_inputs()
    assert feed.shape[0] == "batch"  # traced at batch 2, run at batch 3 below
    (outputs,) = session.run(None, {feed.name: x})
    np.testing.assert_allclose(outputs, y, rtol=1e-5, atol=1e-5)
    assert model.training  # the export's eval() is undone


@pytest.mark.engine("tensorflow")
@pytest.mark.skipif(
    importlib.util.find_spec("onnxruntime") is None or importlib.util.find_spec("tf2onnx") is None,
    reason="tf2onnx and onnxruntime are not installed",
)
@pytest.mark.parametrize("kind", sorted(MODELS))
def test_onnx_export_on_tensorflow_matches_predict_in_onnxruntime(tmp_path, rng, kind):
    import onnxruntime

    model, x, _ = model_and_data(kind, rng)
    path = tmp_path / f"{kind}.onnx"
    model.export(path, format="onnx", verbose=False)
    session = onnxruntime.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    (feed,) = session.get_inputs()
    assert feed.shape[0] == "batch"
    x = np.concatenate([x, x[:2] + 1.0])  # batch 5: the batch axis is free
    (outputs,) = session.run(None, {feed.name: x})
    np.testing.assert_allclose(outputs, model.predict(x, verbose=0), rtol=1e-5, atol=1e-5)


@pytest.mark.engine("tensorflow")
def test_onnx_on_tensorflow_without_tf2onnx_says_what_to_install(
    dense_model, tmp_path, monkeypatch
):
    monkeypatch.setitem(sys.modules, "tf2onnx", None)  # import tf2onnx now fails
    with pytest.raises(ImportError, match=r"`tf2onnx` package \(`pip install tf2onnx`\)"):
        dense_model.export(tmp_path / "m.onnx", format="onnx")
    assert not (tmp_path / "m.onnx").exists()


@pytest.mark.engine("torch")
def test_torch_program_round_trips_through_a_pt2_file(tmp_path, rng):
    import torch

    model, x, y = model_and_data("cnn", rng)
    with pytest.raises(ValueError, match="writes a .pt2 file"):
        model.export(tmp_path / "cnn.pt", format="torch")
    with pytest.raises(ValueError, match=r"unsupported arguments \['bogus'\]"):
        model.export(tmp_path / "cnn.pt2", format="torch", bogus=1)
    model.export(tmp_path / "cnn.pt2", format="torch", verbose=False)
    program = torch.export.load(str(tmp_path / "cnn.pt2"))
    outputs = program.module()(torch.from_numpy(x))  # batch 3: the batch axis stays free
    np.testing.assert_allclose(outputs.detach().numpy(), y, rtol=1e-6, atol=1e-6)


@pytest.mark.engine("torch")
def test_torch_export_takes_a_lamina_model_as_a_module(rng):
    """A Lamina model is an nn.Module: torch.export.export traces it directly."""
    import torch

    model, x, y = model_and_data("transformer", rng)
    program = torch.export.export(model, (torch.from_numpy(x),))
    outputs = program.module()(torch.from_numpy(x))
    np.testing.assert_allclose(outputs.detach().numpy(), y, rtol=1e-6, atol=1e-6)
    assert {name for name, _ in model.named_parameters()} <= set(program.state_dict)
