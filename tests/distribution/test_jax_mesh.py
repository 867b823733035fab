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


def test_two_processes_train_as_one():
    """jax.distributed on 127.0.0.1: 2 processes of 2 CPU devices each, every one running
    the same script (each gives its own part of each global batch)."""
    port = str(_free_port())
    processes = [
        subprocess.Popen(
            [sys.executable, str(SCRIPT), "--process", str(index), port, "two_processes"],
            env=ENV,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for index in range(2)
    ]
    found = []
    try:
        for process in processes:
            stdout, stderr = process.communicate(timeout=300)
            found.append(read_results(process.returncode, stdout, stderr)["two_processes"])
    finally:
        for process in processes:
            if process.poll() is None:
                process.kill()
    assert [result["process"] for result in found] == [0, 1]
    for result in found:
        assert len(result["devices"]) == 4  # the run's devices: both processes'
        for name in ("data_parallel", "model_parallel"):
            assert result[name]["weights"] < TOLERANCE
            assert result[name]["rows_seen"] == 32.0  # the data once, not once per process
            assert result[name]["loss"] == found[0][name]["loss"]  # the same History
        kernel = result["model_parallel"]["placements"]["dense/kernel"]
        assert kernel["spec"] == [None, "model"]
        assert kernel["shard"] == [6, 8]
        assert kernel["devices"] == 4
