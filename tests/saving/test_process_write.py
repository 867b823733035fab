"""Saving in a run of several processes (saving/process_write.py), in one process: the
engine's barrier and this process's rank are stood in for. The real run (four torch
processes, a split model) is in tests/distribution/test_torch_model_parallel.py."""

from __future__ import annotations

import numpy as np
import pytest

import lamina
from lamina import layers
from lamina.backend.common import process_rank
from lamina.saving import process_write
from tests.harness import assert_close


@pytest.fixture
def barrier_calls(monkeypatch):
    """A multi-process distribution stood in for: each barrier is counted."""
    calls: list = []
    monkeypatch.setattr(process_write, "_engine_barrier", lambda: lambda: calls.append(1))
    return calls


def _model():
    model = lamina.Sequential([lamina.Input((3,)), layers.Dense(2, name="dense")])
    model.get_layer("dense").kernel.assign(np.random.default_rng(1).standard_normal((3, 2)))
    return model


def test_process_zero_writes_then_waits(tmp_path, barrier_calls):
    model = _model()
    model.save(tmp_path / "m.keras")
    model.save_weights(tmp_path / "m.weights.h5")
    assert len(barrier_calls) == 2
    loaded = lamina.saving.load_model(tmp_path / "m.keras")
    assert_close(loaded.get_weights()[0], model.get_weights()[0])
    other = _model()
    other.load_weights(tmp_path / "m.weights.h5")
    assert_close(other.get_weights()[0], model.get_weights()[0])


def test_other_processes_write_nothing_but_wait(tmp_path, barrier_calls, monkeypatch):
    monkeypatch.setattr(process_rank, "_process_id", 1)
    monkeypatch.setattr(process_rank, "_num_processes", 2)
    model = _model()
    model.save(tmp_path / "m.keras")
    model.save(tmp_path / "folder.keras", zipped=False)
    model.save_weights(tmp_path / "m.weights.h5")
    assert len(barrier_calls) == 3
    assert list(tmp_path.iterdir()) == []


def test_a_failed_write_still_meets_the_others(tmp_path, barrier_calls):
    (tmp_path / "m.keras").mkdir()  # the name passes the checks; writing fails
    with pytest.raises(IsADirectoryError, match="a directory"):
        _model().save(tmp_path / "m.keras")
    assert barrier_calls == [1]


def test_process_zero_alone_writes_without_waiting(tmp_path, barrier_calls):
    with process_rank.chief_alone():
        assert process_rank.is_alone()
        _model().save_weights(tmp_path / "m.weights.h5")
    assert not process_rank.is_alone()
    assert barrier_calls == []
    assert (tmp_path / "m.weights.h5").exists()
