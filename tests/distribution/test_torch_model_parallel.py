"""ModelParallel on the torch engine: DTensor shards over two CPU processes on gloo.

One spawn of torch_model_parallel_worker.py runs every two-process scenario; what it
writes is compared here with the same models trained in this one process.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import lamina as keras
from tests.distribution import torch_model_parallel_worker as worker
from tests.distribution.test_torch_data_parallel import _environment, _free_port
from tests.harness import assert_close

pytestmark = [pytest.mark.engine("torch"), pytest.mark.training]


def _spawn(out_dir: Path, *arguments: str, count: int = 2) -> list[dict]:
    """``count`` worker processes on a free port; what each wrote (all must write)."""
    port = _free_port()
    processes = [
        subprocess.Popen(
            [sys.executable, worker.__file__, *arguments],
            env=_environment(
                RANK=str(rank),
                LOCAL_RANK=str(rank),
                WORLD_SIZE=str(count),
                MASTER_ADDR="127.0.0.1",
                MASTER_PORT=str(port),
                PYTHONPATH=str(Path(worker.__file__).parents[2]),
            ),
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
        )
        for rank in range(count)
    ]
    outputs = []
    for process in processes:
        try:
            outputs.append(process.communicate(timeout=150)[0].decode(errors="replace"))
        except subprocess.TimeoutExpired:
            for other in processes:
                other.kill()
            pytest.fail(f"the {count}-process ModelParallel run did not end within 150 s")
    results = []
    for rank in range(count):
        path = out_dir / f"rank{rank}.json"
        assert path.exists(), f"process {rank} wrote no result:\n{outputs[rank][-3000:]}"
        results.append(json.loads(path.read_text()))
    return results


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
    first, second = _spawn(tmp_path, str(tmp_path), str(reference_dir))
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
    # DataParallel predict: each process predicts its part of every batch, and every
    # process returns all the rows, in order (13 rows: the last batch is uneven).
    model = worker.make_mlp()
    want = model.predict(x[:13], batch_size=4, verbose=0)
    for result in (first, second):
        assert_close(np.asarray(result["data_parallel_predict"]), want, rtol=1e-5, atol=1e-6)


def test_a_mesh_splitting_the_batch_trains_as_one_process_and_process_zero_saves(tmp_path):
    """Four processes on a (2, 2) mesh: two model replicas, each of two processes."""
    results = _spawn(tmp_path, "split_batch", str(tmp_path), count=4)
    x, y, _, _ = worker.data()
    model = worker.make_mlp()
    initial = model.get_weights()
    history = model.fit(x, y, batch_size=8, epochs=2, shuffle=False, verbose=0)
    path = str(tmp_path / "split_batch.keras")
    weights_path = str(tmp_path / "split_batch.weights.h5")
    checkpoint = str(tmp_path / "checkpoint.weights.h5")
    backup = str(tmp_path / "backup" / "latest.weights.h5")
    for rank, result in enumerate(results):
        assert result["placements"] == ["R", "S(1)"]  # whole along "batch", split on "model"
        assert result["local_shape"] == [4, 4]
        _assert_weights(result["initial"], initial)
        _assert_weights(result["trained"], model.get_weights())
        for name, values in history.history.items():  # every process logs global values
            assert_close(result["history"][name], values, rtol=1e-5, atol=1e-6)
        assert_close(result["evaluate"], model.evaluate(x, y, batch_size=8, verbose=0))
        want = model.predict(x[:13], batch_size=4, verbose=0)
        assert_close(np.asarray(result["predict"]), want, rtol=1e-5, atol=1e-6)
        # Saving: every process gathers, process 0 alone writes the files, and they are
        # there when save returns in every process.
        # ModelCheckpoint and BackupAndRestore (each epoch) too.
        if rank == 0:
            assert result["written"] == [checkpoint, backup, checkpoint, backup, path, weights_path]
        else:
            assert not [p for p in result["written"] if p.startswith(str(tmp_path))]
            assert len(result["written"]) == 6
        assert result["leftovers"] == []
        assert result["exists_after_save"]
        _assert_weights(result["loaded"], model.get_weights())
        assert result["loaded_local_shape"] == [4, 4]
        assert "OwnStep.train_step overrides the training step" in result["own_step_error"]
        assert "other than the batch axis 'batch'" in result["batch_layout_error"]
    _assert_weights(keras.saving.load_model(path).get_weights(), model.get_weights())
    reloaded = worker.make_mlp()
    reloaded.fit(x, y, batch_size=8, epochs=1, verbose=0)  # builds the optimizer's slots
    for saved in (weights_path, checkpoint, backup):
        reloaded.load_weights(saved)
        _assert_weights(reloaded.get_weights(), model.get_weights())


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
