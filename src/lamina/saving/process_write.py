"""Saving in a run of several processes: every process gathers, process 0 alone writes.

Under a distribution over several processes a model's variables may be split among them
(torch's ModelParallel), so making them whole is a collective that every process must join:
``model.save`` and ``save_weights`` are called in every process. Each one goes through the
same writer (the gathers happen in one order everywhere), but only process 0's output lands
at ``filepath``; the others write into a folder of their own that is removed at once. All
then wait for each other, so that the file is there for every process when ``save``
returns. Work that process 0 does alone (``process_rank.chief_alone``: ModelCheckpoint,
BackupAndRestore) writes at once instead.
"""

from __future__ import annotations

import contextlib
import os
import tempfile

from lamina import backend
from lamina.backend.common import global_state, process_rank


def _barrier():
    """The engine's barrier when a distribution spans several processes and this is not
    work process 0 does alone; else None (a save then writes where it is called)."""
    return None if process_rank.is_alone() else _engine_barrier()


def _engine_barrier():
    if global_state.get_global_attribute("distribution") is None:
        return None
    engine = getattr(backend.engine, "distribution", None)
    barrier = getattr(engine, "barrier", None)
    if barrier is None or engine.num_processes() <= 1:
        return None
    return barrier


@contextlib.contextmanager
def chief_destination(filepath: str):
    """Yields where this process writes ``filepath``: the path itself in process 0 (or
    outside a multi-process distribution), a throw-away path in the others; on the way
    out every process waits for the others (also when writing failed, so none hangs)."""
    barrier = _barrier()
    if barrier is None:
        yield filepath
        return
    try:
        if process_rank.is_chief():
            yield filepath
        else:
            with tempfile.TemporaryDirectory() as folder:
                yield os.path.join(folder, os.path.basename(os.path.normpath(filepath)))
    finally:
        barrier()
