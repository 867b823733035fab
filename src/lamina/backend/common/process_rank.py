"""This process's place among the processes of a distributed run (rank 0 of 1 alone).

An engine's ``distribution.initialize`` records it here once the process group exists, so
floors that act once per run, not once per process (callbacks that write files, the
progress bar), can ask without importing an engine or ``lamina.distribution``. It is kept
per process, not per thread, and ``clear_session`` leaves it: the process group outlives
models.
"""

from __future__ import annotations

import contextlib

_process_id = 0
_num_processes = 1


def set_process(process_id: int, num_processes: int) -> None:
    """Records this process's rank and the number of processes (engines call it)."""
    global _process_id, _num_processes
    if not 0 <= process_id < num_processes:
        raise ValueError(
            f"process_id must be in [0, num_processes={num_processes}); received {process_id}."
        )
    _process_id, _num_processes = int(process_id), int(num_processes)


def process_id() -> int:
    return _process_id


def num_processes() -> int:
    return _num_processes


def is_chief() -> bool:
    """Whether this process is rank 0: the one that writes files and prints progress."""
    return _process_id == 0


_alone_depth = 0  # > 0 inside chief_alone()


@contextlib.contextmanager
def chief_alone():
    """Around work process 0 does without the others (the callbacks that write files):
    a save there writes at once instead of meeting the other processes (saving's
    process_write.py)."""
    global _alone_depth
    _alone_depth += 1
    try:
        yield
    finally:
        _alone_depth -= 1


def is_alone() -> bool:
    """Whether this process runs work the others do not (inside ``chief_alone``)."""
    return _alone_depth > 0
