"""Ordered prefetching for ``PyDataset``: ``dataset[i]`` loaded ahead of use by worker
threads or processes, handed out in the order asked for.

At most ``max_queue_size`` batches are requested and not yet consumed (the bounded queue);
up to ``workers`` of them load at once. Each call of ``OrderedPrefetcher.batches`` is one
epoch. Threads are a pool per epoch (they share the dataset; starting them is cheap).
Processes are one pool kept from epoch to epoch (starting processes is not cheap: Keras
starts a pool per epoch): at the start of each epoch the dataset is pickled and, if that
differs from what the workers hold (``on_epoch_end`` / ``on_epoch_begin`` changed it), the
new state goes to a private temporary file each worker reloads before its next batch, so
workers always see the dataset as the epoch hooks left it. A dataset that cannot be pickled
(possible with fork) gets fresh processes each epoch instead.

Nothing outlives its owner: a thread pool ends with its epoch's generator; the process pool
ends on ``close()`` (the trainer calls it when ``fit``/``evaluate``/``predict`` return or
raise), when a worker raises, on KeyboardInterrupt while waiting for a batch, and at the
latest when the prefetcher is garbage collected. An epoch left early (an early stop) lets
the batches being loaded finish and cancels the rest.
"""

from __future__ import annotations

import collections
import concurrent.futures
import contextlib
import hashlib
import itertools
import multiprocessing
import os
import pickle
import shutil
import signal
import tempfile
import traceback
import warnings
import weakref
from concurrent.futures.process import BrokenProcessPool

from lamina import backend

THREAD_NAME_PREFIX = "lamina_pydataset_worker"

_BATCH, _END, _FAILED = "batch", "end", "failed"

# In a worker process: the dataset it loads from and its generation (0: as the pool got it).
_dataset = None
_generation = 0


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
    global _dataset, _generation
    _dataset, _generation = dataset, 0
    # Ctrl-C reaches the whole process group: the training process handles it and shuts
    # the pool down, so a worker must not die half-way through a batch on its own.
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _load_in_process(index, unknown_length, generation=0, path=None):
    global _dataset, _generation
    if generation != _generation:  # the epoch hooks changed the dataset since we got it
        with open(path, "rb") as file:
            _dataset = pickle.load(file)  # our own file, written by the training process
        _generation = generation
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
        self._processes: _ProcessPool | None = None

    def batches(self, indices, unknown_length=False):
        """Yield ``dataset[i]`` for ``i`` in ``indices``, in that order. With
        ``unknown_length``, an IndexError from the dataset ends the stream."""
        pool, submit = self._open(unknown_length)
        pending: collections.deque = collections.deque()
        indices = iter(indices)
        ended_cleanly = False
        try:
            with _quiet_fork_warning():
                pending.extend(submit(i) for i in itertools.islice(indices, self.max_queue_size))
            while pending:
                kind, value, text = self._result(pending.popleft())
                if kind == _END:
                    break
                if kind == _FAILED:
                    raise value from WorkerTraceback(text)
                following = next(indices, None)
                if following is not None:
                    pending.append(submit(following))  # keep the queue full while we train
                yield value
            ended_cleanly = True
        except GeneratorExit:  # left early (an early stop): not a failure
            ended_cleanly = True
            raise
        finally:
            for future in pending:
                future.cancel()
            if isinstance(pool, _ProcessPool) and ended_cleanly and pool.reusable:
                # The pool stays for the next epoch once the loads under way are done.
                concurrent.futures.wait(pending)
            elif isinstance(pool, _ProcessPool):
                self.close()
            else:
                # Waits for the batches being loaded right now (one per worker), then
                # joins every worker thread.
                pool.shutdown(wait=True, cancel_futures=True)

    def close(self) -> None:
        """Shut the worker processes down (waiting for the batches they are loading) and
        remove the dataset's shared state. Idempotent; threads need no closing."""
        processes, self._processes = self._processes, None
        if processes is not None:
            processes.close()

    def _open(self, unknown_length):
        """The pool for one epoch, and how to ask it for ``dataset[index]``."""
        if not self.use_multiprocessing:
            threads = concurrent.futures.ThreadPoolExecutor(
                self.workers, thread_name_prefix=THREAD_NAME_PREFIX
            )
            dataset = self.dataset
            return threads, lambda index: threads.submit(_load, dataset, index, unknown_length)
        if self._processes is not None and not self._processes.share(self.dataset):
            self.close()  # cannot tell what the workers hold: fresh ones see it as it is now
        if self._processes is None:
            self._method = backend.engine.trainer.worker_start_method()
            self._processes = _ProcessPool(self.dataset, self.workers, self._method)
        processes = self._processes

        def submit(index):
            try:
                return processes.submit(index, unknown_length)
            except (pickle.PicklingError, AttributeError, TypeError) as error:
                self.close()
                raise TypeError(
                    f"PyDataset(use_multiprocessing=True) starts its workers with the "
                    f"{self._method!r} start method, which pickles the dataset; "
                    f"{type(self.dataset).__name__} could not be pickled ({error}). Define "
                    "its class at module level and keep unpicklable members (open files, "
                    "locks) out of it, or use threads (use_multiprocessing=False)."
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


class _ProcessPool:
    """Worker processes kept across epochs, and the dataset state they hold: generation 0
    is the dataset as the pool started with it; each change the epoch hooks make is pickled
    once into a new generation the workers reload from a private temporary file."""

    def __init__(self, dataset, workers, method):
        context = multiprocessing.get_context(method)
        if method == "forkserver":
            # The server imports Lamina (its engine) and the dataset's module once, when it
            # starts; workers are forked from it ready, instead of importing them again each
            # (the workers import that module to unpickle the dataset).
            module = type(dataset).__module__
            context.set_forkserver_preload(["lamina"] + ([module] if module != "__main__" else []))
        self.executor = concurrent.futures.ProcessPoolExecutor(
            workers, mp_context=context, initializer=_start_process, initargs=(dataset,)
        )
        payload = _pickled(dataset)
        # Unpicklable (fork copies it without pickling): each epoch needs fresh workers.
        self.reusable = payload is not None
        self.digest = _digest(payload)
        self.generation, self.path = 0, None
        self.directory = tempfile.mkdtemp(prefix="lamina_pydataset_") if self.reusable else None
        # The last resort when nobody calls close(): the pool dies with this object.
        self._finalizer = weakref.finalize(self, _shut_down, self.executor, self.directory)

    def share(self, dataset) -> bool:
        """Bring the workers' dataset up to date with ``dataset``; False when that cannot
        be done (it no longer pickles): the caller then starts a new pool."""
        if not self.reusable:
            return False
        payload = _pickled(dataset)
        if payload is None:
            return False
        digest = _digest(payload)
        if digest == self.digest:
            return True  # the epoch hooks changed nothing the workers would see
        assert self.directory is not None  # set whenever the pool is reusable
        path = os.path.join(self.directory, f"dataset_{self.generation + 1}.pickle")
        with open(path, "wb") as file:
            file.write(payload)
        if self.path is not None:
            os.remove(self.path)  # the last epoch's loads are all done (see batches)
        self.generation, self.path, self.digest = self.generation + 1, path, digest
        return True

    def submit(self, index, unknown_length):
        return self.executor.submit(
            _load_in_process, index, unknown_length, self.generation, self.path
        )

    def close(self) -> None:
        self._finalizer()


def _shut_down(executor, directory) -> None:
    executor.shutdown(wait=True, cancel_futures=True)
    if directory is not None:
        shutil.rmtree(directory, ignore_errors=True)


def _pickled(dataset) -> bytes | None:
    try:
        return pickle.dumps(dataset, protocol=pickle.HIGHEST_PROTOCOL)
    except Exception:  # unpicklable members (locks, open files, local classes)
        return None


def _digest(payload: bytes | None) -> bytes | None:
    return None if payload is None else hashlib.blake2b(payload, digest_size=16).digest()
