"""This process's rank (backend/common/process_rank.py) and what depends on it: in a run of
several processes, only process 0 writes files and prints the progress bar."""

from __future__ import annotations

import numpy as np
import pytest

import lamina
from lamina import callbacks as callbacks_module, layers
from lamina.backend.common import process_rank
from lamina.callbacks import CallbackList


@pytest.fixture
def second_process(monkeypatch):
    """This test runs as process 1 of 2."""
    monkeypatch.setattr(process_rank, "_process_id", 1)
    monkeypatch.setattr(process_rank, "_num_processes", 2)


def test_a_single_process_is_the_chief():
    assert process_rank.process_id() == 0
    assert process_rank.num_processes() == 1
    assert process_rank.is_chief()


def test_set_process_checks_the_rank(monkeypatch):
    monkeypatch.setattr(process_rank, "_process_id", 0)
    monkeypatch.setattr(process_rank, "_num_processes", 1)
    with pytest.raises(ValueError, match=r"process_id must be in \[0, num_processes=2\)"):
        process_rank.set_process(2, 2)
    process_rank.set_process(1, 3)
    assert (process_rank.process_id(), process_rank.num_processes()) == (1, 3)
    assert not process_rank.is_chief()


def test_other_processes_drop_the_callbacks_that_write_files(tmp_path, second_process):
    writers = [
        callbacks_module.ModelCheckpoint(str(tmp_path / "m.keras")),
        callbacks_module.CSVLogger(str(tmp_path / "log.csv")),
        callbacks_module.TensorBoard(str(tmp_path / "logs")),
    ]
    stopper = callbacks_module.EarlyStopping()
    callback_list = CallbackList([*writers, stopper])
    assert callback_list.callbacks == [stopper]


@pytest.mark.training
def test_other_processes_restore_backups_but_do_not_write_them(tmp_path, second_process):
    model = lamina.Sequential([lamina.Input((3,)), layers.Dense(2)])
    model.compile(optimizer="sgd", loss="mse")
    x, y = np.ones((4, 3), "float32"), np.ones((4, 2), "float32")
    backup = callbacks_module.BackupAndRestore(str(tmp_path / "backup"), delete_checkpoint=False)
    model.fit(x, y, epochs=1, verbose=0, callbacks=[backup])
    assert not (tmp_path / "backup").exists()
