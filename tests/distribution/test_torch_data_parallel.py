"""DataParallel on the torch engine: two CPU processes on gloo, spawned from the test.

Each run starts two copies of torch_worker.py (through ``python -m
lamina.distribution.launch``, or directly with torchrun's variables on a free port of
127.0.0.1) and reads back what each process wrote.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from tests.distribution import torch_worker
from tests.harness import assert_close

pytestmark = [pytest.mark.engine("torch"), pytest.mark.training]

_WORKER = Path(torch_worker.__file__)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _environment(**variables) -> dict:
    return {**os.environ, "LAMINA_BACKEND": "torch", "OMP_NUM_THREADS": "1", **variables}


def _results(out_dir: Path, output: str) -> list[dict | None]:
    results = []
    for rank in (0, 1):
        path = out_dir / f"rank{rank}.json"
        results.append(json.loads(path.read_text()) if path.exists() else None)
    assert results[0] is not None, f"process 0 wrote no result:\n{output[-3000:]}"
    return results


def _launch(scenario: str, out_dir: Path) -> list[dict | None]:
    """Two processes started by ``python -m lamina.distribution.launch`` (torchrun)."""
    command = [sys.executable, "-m", "lamina.distribution.launch", "--nproc-per-node=2"]
    completed = subprocess.run(
        [*command, str(_WORKER), scenario, str(out_dir)],
        env=_environment(),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert completed.returncode == 0, completed.stderr[-3000:]
    return _results(out_dir, completed.stdout + completed.stderr)


def _spawn(scenario: str, out_dir: Path) -> list[dict | None]:
    """Two processes started here with torchrun's variables (a launcher would end the
    survivor as soon as one process dies, before it can report)."""
    port = _free_port()
    processes = [
        subprocess.Popen(
            [sys.executable, str(_WORKER), scenario, str(out_dir)],
            env=_environment(
                RANK=str(rank),
                LOCAL_RANK=str(rank),
                WORLD_SIZE="2",
                MASTER_ADDR="127.0.0.1",
                MASTER_PORT=str(port),
            ),
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
        )
        for rank in (0, 1)
    ]
    outputs = []
    for process in processes:
        try:
            outputs.append(process.communicate(timeout=120)[0].decode(errors="replace"))
        except subprocess.TimeoutExpired:
            for other in processes:
                other.kill()
            pytest.fail(f"the two-process {scenario!r} run did not end within 120 s")
    return _results(out_dir, outputs[0])


def test_data_parallel_matches_one_process_and_only_rank_zero_writes(tmp_path):
    first, second = _launch("fit", tmp_path)
    assert second is not None
    assert first["devices"] == ["cpu:0", "cpu:1"]
    # One process with the same global batch on the same data order.
    model = torch_worker.make_model(seed=1)  # process 0's initial weights
    x, y = torch_worker.data()
    history = model.fit(x, y, batch_size=8, epochs=3, shuffle=False, verbose=0)
    for result in (first, second):
        for trained, expected in zip(result["weights"], model.get_weights()):
            assert_close(np.asarray(trained), expected, rtol=1e-5, atol=1e-5)
        assert_close(result["evaluate"], model.evaluate(x, y, batch_size=8, verbose=0))
    assert first["history"] == second["history"]  # every process logs the global values
    for name, values in history.history.items():
        assert_close(first["history"][name], values, rtol=1e-5, atol=1e-6)
    # Files are written by process 0 alone.
    assert (tmp_path / "ckpt0.weights.h5").exists()
    assert (tmp_path / "log0.csv").exists()
    assert not (tmp_path / "ckpt1.weights.h5").exists()
    assert not (tmp_path / "log1.csv").exists()
    # A train_step written by hand (it calls backward itself) is averaged too.
    own_step = torch_worker.make_own_step_model(seed=1)
    own_step.fit(x, y, batch_size=8, epochs=2, shuffle=False, verbose=0)
    for result in (first, second):
        for trained, expected in zip(result["own_step_weights"], own_step.get_weights()):
            assert_close(np.asarray(trained), expected, rtol=1e-5, atol=1e-5)
    # A shuffled PyDataset: each epoch the processes load disjoint halves of the batches,
    # and the logs (validation included) are the same in both.
    assert first["py_dataset_history"] == second["py_dataset_history"]
    assert set(first["py_dataset_history"]) == {"loss", "mae", "val_loss", "val_mae"}
    for epoch in range(2):
        loaded = [
            result["py_dataset_loaded"][3 * epoch : 3 * epoch + 3] for result in (first, second)
        ]
        assert sorted(loaded[0] + loaded[1]) == list(range(6))
    # A global batch that does not divide over the processes is refused before training.
    for result in (first, second):
        assert "batch_size=7" in result["batch_error"]
        assert "multiple of 2" in result["batch_error"]
    # Process 1 raised in the next fit: process 0 stopped at once, naming it.
    assert "process 1 raised ValueError: failure injected" in first["failure"]
    assert first["seconds_to_fail"] < 60


def test_a_killed_process_stops_the_other_with_an_error_naming_it(tmp_path):
    first, second = _spawn("kill", tmp_path)
    assert second is None  # process 1 died without writing
    assert "process 1 died or stopped answering" in first["failure"]
    assert first["seconds_to_fail"] < 60
