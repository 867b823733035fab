"""lamina.distribution on JAX with 8 forced CPU devices (issue 10).

JAX reads XLA_FLAGS once, when it starts, so the scenarios (jax_mesh_scenarios.py) run in
one subprocess per module; each test checks what that process found.
"""

from __future__ import annotations

import importlib.util
import json
import os
import pathlib
import socket
import subprocess
import sys
import time

import pytest

pytestmark = [
    pytest.mark.engine("jax"),  # one subprocess run, in the JAX leg of the suite
    pytest.mark.training,
    pytest.mark.skipif(importlib.util.find_spec("jax") is None, reason="jax is not installed"),
]

SCRIPT = pathlib.Path(__file__).with_name("jax_mesh_scenarios.py")
TOLERANCE = 1e-5


ENV = {**os.environ, "LAMINA_BACKEND": "jax", "JAX_PLATFORMS": "cpu"}


def read_results(returncode: int, stdout: str, stderr: str) -> dict:
    lines = [line for line in stdout.splitlines() if line.startswith("RESULTS ")]
    assert returncode == 0, stderr[-4000:]
    assert lines, stdout[-4000:]
    results = json.loads(lines[-1][len("RESULTS ") :])
    crashed = {name: found["crashed"] for name, found in results.items() if "crashed" in found}
    assert not crashed, "\n".join(crashed.values())
    return results


def run_scenarios(*names: str) -> dict:
    completed = subprocess.run(
        [sys.executable, str(SCRIPT), *names], env=ENV, capture_output=True, text=True, timeout=600
    )
    return read_results(completed.returncode, completed.stdout, completed.stderr)


@pytest.fixture(scope="module")
def results():
    return run_scenarios()


def test_devices_are_the_forced_cpu_devices(results):
    assert results["devices"]["list"] == [f"cpu:{index}" for index in range(8)]
    assert results["devices"]["count"] == 8


def test_data_parallel_trains_as_one_device(results):
    found = results["data_parallel"]
    assert found["outputs"] < TOLERANCE
    assert found["weights"] < TOLERANCE  # global batch 16 over 8 devices == batch 16 on one
    for placement in found["placements"].values():
        assert all(axis is None for axis in placement["spec"])  # replicated
        assert placement["devices"] == 8
    assert found["batch_shards"] == [[2, 6]]
    assert found["batch_devices"] == 8
    assert found["uneven_predict"] < TOLERANCE  # 29 rows, the last 13 filled up to 16


def test_model_parallel_shards_dense_kernels_and_trains_as_unsharded(results):
    found = results["model_parallel_mlp"]
    assert found["outputs"] < TOLERANCE
    assert found["weights"] < TOLERANCE
    placements = found["placements"]
    kernel, bias = placements["dense/kernel"], placements["dense/bias"]
    assert kernel["spec"] == [None, "model"]
    assert kernel["shard"] == [6, 4]
    assert bias["spec"] == ["model"]
    assert bias["shard"] == [4]
    assert placements["dense_1/kernel"]["shard"] == [16, 2]  # 8 outputs over 4


def test_saved_file_moves_between_sharded_and_unsharded(results):
    found = results["saving"]
    assert found["sharded_to_plain"] == 0.0
    assert found["plain_devices"] == 1
    assert found["plain_to_sharded"] == 0.0
    assert found["predict_after_load"] < TOLERANCE
    for path, placement in found["resharded"].items():
        assert placement["spec"] == ([None, "model"] if path.endswith("kernel") else ["model"])


def test_distribute_tensor_eager_traced_and_symbolic(results):
    found = results["distribute_tensor"]
    assert found["eager"] == [["batch", None], 8]
    assert found["traced"][0][0] == "batch"
    assert found["traced"][1] == 0.0
    assert found["symbolic"] == 3  # a KerasTensor comes back unchanged


def test_bad_arguments_raise_before_training(results):
    errors = results["errors"]
    assert "shape (16,) needs 16 devices, but 8 are given" in errors["mesh_too_large"]
    assert "of shape (6, 16) has rank 2, but its layout has 1 axes" in errors["rank_mismatch"]
    assert "dimension 0 (size 6) cannot be split evenly" in errors["uneven_split"]
    assert errors["batch"].startswith("ValueError: The batch size 12 must be divisible")
    assert "The last batch holds 12 of the 28 samples" in errors["last_batch"]
    assert errors["untouched"] == {"12": 0.0, "16": 0.0}  # no step ran


@pytest.mark.slow
def test_model_parallel_attention_projections_train_as_unsharded():
    found = run_scenarios("model_parallel_attention")["model_parallel_attention"]
    assert found["outputs"] < TOLERANCE
    assert found["weights"] < TOLERANCE
    placements = found["placements"]
    for name in ("query", "key", "value"):
        assert placements[f"multi_head_attention/{name}/kernel"]["shard"] == [8, 1, 2]
    assert placements["multi_head_attention/attention_output/kernel"]["spec"] == ["model"]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def run_two_processes(*names: str, env=None) -> list:
    """``jax_mesh_scenarios.py --process ID PORT *names`` in 2 processes on 127.0.0.1; per
    process: (returncode, stdout, stderr, monotonic time its end was seen)."""
    port = str(_free_port())
    processes = [
        subprocess.Popen(
            [sys.executable, str(SCRIPT), "--process", str(index), port, *names],
            env=env or ENV,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for index in range(2)
    ]
    ended = []
    try:
        # Process 1 first: the failure tests time how long process 0 outlives it.
        for process in reversed(processes):
            stdout, stderr = process.communicate(timeout=300)
            ended.append((process.returncode, stdout, stderr, time.monotonic()))
    finally:
        for process in processes:
            if process.poll() is None:
                process.kill()
    return ended[::-1]


def test_two_processes_train_predict_and_evaluate_as_one(tmp_path):
    """jax.distributed on 127.0.0.1: 2 processes of 2 CPU devices each, every one running
    the same script (each gives its own part of each global batch); a save writes in
    process 0 alone and is there for both when it returns. Then process 1 raises inside
    fit, and process 0 must stop at once, naming it."""
    env = {**ENV, "LAMINA_TEST_SAVE_DIR": str(tmp_path)}
    ended = run_two_processes("two_processes", "fail:raise", env=env)
    found = [read_results(0, stdout, stderr)["two_processes"] for _, stdout, stderr, _ in ended]
    assert [result["process"] for result in found] == [0, 1]
    for result in found:
        assert len(result["devices"]) == 4  # the run's devices: both processes'
        for name in ("data_parallel", "model_parallel"):
            assert result[name]["weights"] < TOLERANCE
            assert result[name]["rows_seen"] == 32.0  # the data once, not once per process
            assert result[name]["loss"] == found[0][name]["loss"]  # the same History
            # predict: every row once, in order (the last batch of 13 filled up to 2 x 8)
            assert result[name]["predict_rows"] == 29
            assert result[name]["predict"] < 1e-6
            assert result[name]["evaluate"] < 1e-6  # the global loss, in every process
        saving = result["saving"]
        assert saving["file_callbacks_kept"] == (1 if result["process"] == 0 else 0)
        assert saving["real_paths_written"] == [result["process"] == 0] * 2
        assert saving["there_after_save"] == [True, True]
        assert saving["loaded_weights"] == 0.0
        assert result["checkpoint"] == {"there_after_fit": True, "loaded_weights": 0.0}
        kernel = result["model_parallel"]["placements"]["dense/kernel"]
        assert kernel["spec"] == [None, "model"]
        assert kernel["shard"] == [6, 8]
        assert kernel["devices"] == 4
    (code_0, _, stderr_0, end_0), (code_1, _, stderr_1, end_1) = ended
    assert code_1 == 1, stderr_1[-2000:]
    assert "ValueError: a failure in process 1" in stderr_1
    assert code_0 == 1, stderr_0[-2000:]
    assert "stopping process 0 because process 1 raised ValueError: a failure" in stderr_0
    assert end_0 - end_1 < 60


def test_a_process_that_dies_ends_the_other():
    """os._exit in process 1 mid-epoch: JAX's coordination service misses its heartbeats
    and ends process 0 (an abort whose message names task 1) after the heartbeat timeout
    (LAMINA_DISTRIBUTED_HEARTBEAT_TIMEOUT, 3 s here; 30 s by default)."""
    env = {**ENV, "LAMINA_DISTRIBUTED_HEARTBEAT_TIMEOUT": "3"}
    (code_0, _, stderr_0, end_0), (code_1, _, _, end_1) = run_two_processes("fail:die", env=env)
    assert code_1 == 3
    assert code_0 != 0
    assert "stopped sending heartbeats" in stderr_0, stderr_0[-2000:]
    assert stderr_0.split("stopped sending heartbeats):", 1)[1].split()[0] == "1"
    assert end_0 - end_1 < 60
