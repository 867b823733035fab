"""The README's main job, shortened to one epoch: the example CNN on the real MNIST file."""

import os
import pathlib
import runpy
import sys

import pytest

REPO = pathlib.Path(__file__).resolve().parents[2]
MNIST = REPO / "data" / "mnist.npz"


@pytest.mark.training
@pytest.mark.skipif(not MNIST.exists(), reason="data/mnist.npz is not in this checkout")
def test_one_epoch_reaches_97_percent(tmp_path, monkeypatch, capsys):
    from lamina.datasets import mnist

    monkeypatch.setenv("LAMINA_HOME", str(tmp_path))
    monkeypatch.setattr(sys, "argv", ["mnist_convnet.py", "1"])
    mnist.seed_cache_from(MNIST)
    runpy.run_path(os.fspath(REPO / "examples" / "mnist_convnet.py"), run_name="__main__")
    out = capsys.readouterr().out
    assert "Total params: 93,322 (364.54 KB)" in out
    accuracy = float(out.split("Test accuracy:")[1].split()[0])
    assert accuracy >= 0.97
