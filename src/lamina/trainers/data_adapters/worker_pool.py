"""Ordered prefetching for ``PyDataset``: ``dataset[i]`` loaded ahead of use by worker
threads or processes, handed out in the order asked for.

At most ``max_queue_size`` batches are requested and not yet consumed (the bounded queue);
up to ``workers`` of them load at once. Each call of ``OrderedPrefetcher.batches`` is one
epoch with its own pool: processes started for an epoch see the dataset as
``on_epoch_end``/``on_epoch_begin`` left it. The pool is shut down when the epoch's
generator finishes or is closed: at the end of the epoch, when a worker raises, on an early
stop (the trainer drops the generator) and on KeyboardInterrupt; no worker thread or
process outlives it.
"""

from __future__ import annotations

import collections
import concurrent.futures
import contextlib
import itertools
import multiprocessing
import pickle
import signal
import traceback
import warnings
from concurrent.futures.process import BrokenProcessPool

from lamina import backend

THREAD_NAME_PREFIX = "lamina_pydataset_worker"

_BATCH, _END, _FAILED = "batch", "end", "failed"

_dataset = None  # in a worker process: the dataset it loads from (set by _start_process)


class WorkerTraceback(Exception):
    """The traceback of an exception raised in a PyDataset worker, as text; it is the
    ``__cause__`` of the exception re-raised in the training process."""

    def __str__(self):
        return "\n" + self.args[0]


def _load(dataset, index, unknown_length):
    try:
        return _BATCH, dataset[index], None
    except Exception as error:
        if unknown_length and isinstance(error, IndexError):
            return _END, None, None  # a dataset without __len__ ends where indexing ends
        text = "".join(traceback.format_exception(type(error), error, error.__traceback__))
        return _FAILED, error, text


def _start_process(dataset):
    global _dataset
    _dataset = dataset
    # Ctrl-C reaches the whole process group: the training process handles it and shuts
    # the pool down, so a worker must not die half-way through a batch on its own.
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _load_in_process(index, unknown_length):
    kind, value, text = _load(_dataset, index, unknown_length)
    if kind == _FAILED:
        try:
            pickle.loads(pickle.dumps(value))
        except Exception:  # an exception that cannot cross processes: keep its type name
            value = RuntimeError(f"{type(value).__name__}: {value}")
    return kind, value, text


class OrderedPrefetcher:
    """Loads a dataset's batches in worker threads (``use_multiprocessing=False``) or
    processes, ``max_queue_size`` ahead of the consumer."""

    def __init__(self, dataset, workers, use_multiprocessing, max_queue_size):
        self.dataset = dataset
        self.workers = int(workers)
        self.use_multiprocessing = bool(use_multiprocessing)
        self.max_queue_size = max(int(max_queue_size), 1)
        self._method = "fork"  # the start method of the latest process pool

    def batches(self, indices, unknown_length=False):
        """Yield ``dataset[i]`` for ``i`` in ``indices``, in that order. With
        ``unknown_length``, an IndexError from the dataset ends the stream."""
        pool, submit = self._open(unknown_length)
        pending: collections.deque = collections.deque()
        indices = iter(indices)
        try:
            with _quiet_fork_warning():
                pending.extend(submit(i) for i in itertools.islice(indices, self.max_queue_size))
            while pending:
                kind, value, text = self._result(pending.popleft())
                if kind == _END:
                    return
                if kind == _FAILED:
                    raise value from WorkerTraceback(text)
                following = next(indices, None)
                if following is not None:
                    pending.append(submit(following))  # keep the queue full while we train
                yield value
        finally:
            for future in pending:
                future.cancel()
            # Waits for the batches being loaded right now (one per worker), then joins
            # every worker thread and process.
            pool.shutdown(wait=True, cancel_futures=True)

    def _open(self, unknown_length):
        """A pool for one epoch, and how to ask it for ``dataset[index]``."""
        if not self.use_multiprocessing:
            threads = concurrent.futures.ThreadPoolExecutor(
                self.workers, thread_name_prefix=THREAD_NAME_PREFIX
            )
            dataset = self.dataset
            return threads, lambda index: threads.submit(_load, dataset, index, unknown_length)
        method = self._method = backend.engine.trainer.worker_start_method()
        context = multiprocessing.get_context(method)
        if method == "forkserver":
            # The server imports Lamina (its engine) and the dataset's module once, when it
            # starts; each epoch's workers are forked from it ready, instead of importing
            # them again each (the workers import that module to unpickle the dataset).
            module = type(self.dataset).__module__
            context.set_forkserver_preload(["lamina"] + ([module] if module != "__main__" else []))
        processes = concurrent.futures.ProcessPoolExecutor(
            self.workers,
            mp_context=context,
            initializer=_start_process,
            initargs=(self.dataset,),
        )

        def submit(index):
            try:
                return processes.submit(_load_in_process, index, unknown_length)
            except (pickle.PicklingError, AttributeError, TypeError) as error:
                processes.shutdown(wait=True, cancel_futures=True)
                raise TypeError(
                    f"PyDataset(use_multiprocessing=True) starts its workers with the {method!r} "
                    f"start method, which pickles the dataset; {type(self.dataset).__name__} "
                    f"could not be pickled ({error}). Define its class at module level and "
                    "keep unpicklable members (open files, locks) out of it, or use threads "
                    "(use_multiprocessing=False)."
                ) from error

        return processes, submit

    def _result(self, future):
        try:
            return future.result()
        except BrokenProcessPool as error:
            raise RuntimeError(
                "A PyDataset worker process died before returning its batch: it was killed "
                "(out of memory?), or it could not start. Workers start with the "
                f"{self._method!r} method, which re-imports the main module: a script "
                "must start training under `if __name__ == '__main__':`, and the dataset's "
                "class must be importable from a module."
            ) from error


@contextlib.contextmanager
def _quiet_fork_warning():
    """Python 3.12+ warns when a multi-threaded process forks (the engine's own compute
    threads count). Fork is what torch's DataLoader uses too, and a worker only indexes the
    dataset, so that one warning is silenced while the first requests start the workers."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", ".*fork", DeprecationWarning)
        yield
