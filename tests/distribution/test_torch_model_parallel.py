"""ModelParallel on the torch engine: DTensor shards over two CPU processes on gloo.

One spawn of torch_model_parallel_worker.py runs every two-process scenario; what it
writes is compared here with the same models trained in this one process.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import lamina as keras
from tests.distribution import torch_model_parallel_worker as worker
from tests.distribution.test_torch_data_parallel import _environment, _free_port, _results
from tests.harness import assert_close

pytestmark = [pytest.mark.engine("torch"), pytest.mark.training]


def _spawn(out_dir: Path, reference_dir: Path) -> list[dict | None]:
    port = _free_port()
    processes = [
        subprocess.Popen(
            [sys.executable, worker.__file__, str(out_dir), str(reference_dir)],
            env=_environment(
                RANK=str(rank),
                LOCAL_RANK=str(rank),
                WORLD_SIZE="2",
                MASTER_ADDR="127.0.0.1",
                MASTER_PORT=str(port),
                PYTHONPATH=str(Path(worker.__file__).parents[2]),
            ),
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
        )
        for rank in (0, 1)
    ]
    outputs = []
    for process in processes:
        try:
            outputs.append(process.communicate(timeout=150)[0].decode(errors="replace"))
        except subprocess.TimeoutExpired:
            for other in processes:
                other.kill()
            pytest.fail("the two-process ModelParallel run did not end within 150 s")
    return _results(out_dir, outputs[0] + outputs[1])


def _one_process(make, x, y, reference_dir: Path, name: str) -> dict:
    """The unsplit run the workers must match; its files are what they load."""
    model = make()
    result = {
        "initial": model.get_weights(),
        "outputs": keras.ops.convert_to_numpy(model(x)),
    }
    model.fit(x, y, batch_size=8, epochs=2, shuffle=False, verbose=0)
    result["trained"] = model.get_weights()
    result["predict"] = model.predict(x, batch_size=8, verbose=0)
    result["evaluate"] = model.evaluate(x, y, batch_size=8, verbose=0)
    model.save(reference_dir / f"{name}.keras")
    model.save_weights(reference_dir / f"{name}.weights.h5")
    return result


def _assert_weights(actual, expected):
    assert len(actual) == len(expected)
    for got, want in zip(actual, expected):
        assert_close(np.asarray(got), want, rtol=1e-5, atol=1e-5)


def test_split_models_match_one_process_and_files_move_between_them(tmp_path):
    reference_dir = tmp_path / "reference"
    reference_dir.mkdir()
    x, y, tokens, token_targets = worker.data()
    expected = {
        "mlp": _one_process(worker.make_mlp, x, y, reference_dir, "mlp"),
        "block": _one_process(worker.make_block, tokens, token_targets, reference_dir, "block"),
    }
    first, second = _spawn(tmp_path, reference_dir)
    assert second is not None
    shards = {"mlp": ([4, 8], [4, 4]), "block": ([4, 2, 2], [4, 1, 2])}
    for result in (first, second):
        for name, want in expected.items():
            got = result[name]
            # Each process holds half of the kernel: split on "model", whole on "batch".
            assert got["placements"] == ["R", "S(1)"]
            assert (got["full_shape"], got["local_shape"]) == shards[name]
            _assert_weights(got["initial"], want["initial"])
            assert_close(np.asarray(got["outputs"]), want["outputs"], rtol=1e-5, atol=1e-5)
            _assert_weights(got["trained"], want["trained"])
            assert_close(np.asarray(got["predict"]), want["predict"], rtol=1e-5, atol=1e-5)
            assert_close(got["evaluate"], want["evaluate"], rtol=1e-5, atol=1e-5)
            # Unsplit files load split again, with the same values.
            _assert_weights(got["loaded"], want["trained"])
            _assert_weights(got["loaded_weights"], want["trained"])
            assert got["loaded_local_shape"] == shards[name][1]
    # A split model's file (process 0's) loads in one process, whole.
    for name, want in expected.items():
        loaded = keras.saving.load_model(tmp_path / f"{name}_split.keras")
        _assert_weights(loaded.get_weights(), want["trained"])
    for result in (first, second):
        assert "batch axis 'batch' of the mesh to have 1 device" in result["batch_axis_error"]
    # DataParallel predict: each process predicts its part of every batch, and every
    # process returns all the rows, in order (13 rows: the last batch is uneven).
    model = worker.make_mlp()
    want = model.predict(x[:13], batch_size=4, verbose=0)
    for result in (first, second):
        assert_close(np.asarray(result["data_parallel_predict"]), want, rtol=1e-5, atol=1e-6)


def test_a_split_layout_needs_one_process_per_device():
    mesh = keras.distribution.DeviceMesh((1, 2), ["batch", "model"], devices=["cpu:0", "cpu:1"])
    layouts = keras.distribution.LayoutMap(mesh)
    layouts["up/kernel"] = (None, "model")
    distribution = keras.distribution.ModelParallel(layout_map=layouts, batch_dim_name="batch")
    with distribution.scope(), pytest.raises(ValueError, match="needs 2 processes"):
        keras.layers.Dense(4, name="up").build((None, 4))


def test_placements_check_rank_and_divisibility():
    from lamina.backend.torch import distribution

    mesh = keras.distribution.DeviceMesh((1, 2), ["batch", "model"], devices=["cpu:0", "cpu:1"])
    assert [str(p) for p in distribution.placements(
        keras.distribution.TensorLayout((None, "model"), mesh), (4, 6)
    )] == ["R", "S(1)"]  # fmt: skip
    with pytest.raises(ValueError, match="rank 2, but its layout has 1 axes"):
        distribution.placements(keras.distribution.TensorLayout(("model",), mesh), (4, 6))
    with pytest.raises(ValueError, match="dimension 1 \\(size 5\\) cannot be split evenly"):
        distribution.placements(keras.distribution.TensorLayout((None, "model"), mesh), (4, 5))
