"""The example CNN under mixed_bfloat16 reaches the float32 bar (one epoch, >= 97 %) and
keeps float32 variables (issue 8). Torch only: it is the same policy code on JAX, and one
more epoch of MNIST per engine would cost CI a minute."""

import os
import pathlib
import runpy
import sys

import pytest

REPO = pathlib.Path(__file__).resolve().parents[2]
MNIST = REPO / "data" / "mnist.npz"


@pytest.mark.training
@pytest.mark.engine("torch")
@pytest.mark.skipif(not MNIST.exists(), reason="data/mnist.npz is not in this checkout")
def test_one_mixed_bfloat16_epoch_reaches_97_percent(tmp_path, monkeypatch, capsys):
    import lamina
    from lamina.datasets import mnist

    monkeypatch.setenv("LAMINA_HOME", str(tmp_path))
    monkeypatch.setattr(sys, "argv", ["mnist_convnet.py", "1"])
    mnist.seed_cache_from(MNIST)
    lamina.mixed_precision.set_global_policy("mixed_bfloat16")
    try:
        scope = runpy.run_path(
            os.fspath(REPO / "examples" / "mnist_convnet.py"), run_name="__main__"
        )
    finally:
        lamina.mixed_precision.set_global_policy("float32")
    model = scope["model"]
    assert {variable.dtype for variable in model.weights} == {"float32"}
    assert {layer.compute_dtype for layer in model.layers} == {"bfloat16"}
    out = capsys.readouterr().out
    accuracy = float(out.split("Test accuracy:")[1].split()[0])
    assert accuracy >= 0.97
