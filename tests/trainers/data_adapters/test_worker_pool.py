"""OrderedPrefetcher: worker threads and processes load ``dataset[i]`` ahead, in order, and
leave nothing running behind them however the epoch ends."""

import multiprocessing
import os
import threading
import time

import numpy as np
import pytest

from lamina.trainers.data_adapters.worker_pool import OrderedPrefetcher, WorkerTraceback

MODES = [pytest.param(False, id="threads"), pytest.param(True, id="processes")]


class Squares:
    """Batch ``i`` is ``[i, i*i]``; index ``fail_at`` raises; a short sleep lets loads overlap."""

    def __init__(self, length=8, fail_at=None, delay=0.002):
        self.length, self.fail_at, self.delay = length, fail_at, delay

    def __len__(self):
        return self.length

    def __getitem__(self, index):
        if index >= self.length:
            raise IndexError(index)
        time.sleep(self.delay)
        if index == self.fail_at:
            raise ValueError(f"cannot load batch {index}")
        return np.array([index, index * index])


class Unpicklable(Exception):
    def __init__(self, a, b):  # pickling calls cls(*args) with one argument: it fails
        super().__init__(f"{a}-{b}")


class RaisesUnpicklable(Squares):
    def __getitem__(self, index):
        raise Unpicklable(index, "x")


@pytest.mark.usefixtures("nothing_left_running")
@pytest.mark.parametrize("use_multiprocessing", MODES)
def test_batches_come_in_the_order_asked_none_lost_or_repeated(use_multiprocessing):
    prefetcher = OrderedPrefetcher(Squares(), 3, use_multiprocessing, max_queue_size=4)
    order = np.random.default_rng(0).permutation(8).tolist()
    batches = list(prefetcher.batches(order))
    np.testing.assert_array_equal(np.stack(batches), [[i, i * i] for i in order])


@pytest.mark.usefixtures("nothing_left_running")
def test_unknown_length_ends_at_index_error():
    import itertools

    prefetcher = OrderedPrefetcher(Squares(length=5), 2, False, max_queue_size=3)
    batches = list(prefetcher.batches(itertools.count(), unknown_length=True))
    assert [int(b[0]) for b in batches] == [0, 1, 2, 3, 4]


@pytest.mark.usefixtures("nothing_left_running")
def test_the_queue_is_bounded_by_max_queue_size():
    class Recording(Squares):
        def __init__(self):
            super().__init__(length=12, delay=0.0)
            self.requested = []

        def __getitem__(self, index):
            self.requested.append(index)
            return super().__getitem__(index)

    dataset = Recording()
    for consumed, _ in enumerate(OrderedPrefetcher(dataset, 2, False, 3).batches(range(12))):
        # Batch `consumed` is handed out with at most 3 requested past it... and no more.
        assert max(dataset.requested) <= consumed + 3
    assert sorted(dataset.requested) == list(range(12))


@pytest.mark.usefixtures("nothing_left_running")
@pytest.mark.parametrize("use_multiprocessing", MODES)
def test_a_worker_error_is_raised_here_with_the_worker_traceback(use_multiprocessing):
    prefetcher = OrderedPrefetcher(Squares(fail_at=3), 2, use_multiprocessing, 4)
    seen = []
    with pytest.raises(ValueError, match="cannot load batch 3") as info:
        seen.extend(prefetcher.batches(range(8)))
    assert len(seen) == 3  # the batches before the failing one were handed out
    cause = info.value.__cause__
    assert isinstance(cause, WorkerTraceback)
    assert "in __getitem__" in str(cause)
    assert "cannot load batch 3" in str(cause)


@pytest.mark.usefixtures("nothing_left_running")
def test_an_unpicklable_worker_error_keeps_its_type_name_and_text():
    prefetcher = OrderedPrefetcher(RaisesUnpicklable(), 2, True, 2)
    with pytest.raises(RuntimeError, match=r"Unpicklable: 0-x") as info:
        list(prefetcher.batches(range(4)))
    assert "Unpicklable" in str(info.value.__cause__)


@pytest.mark.usefixtures("nothing_left_running")
@pytest.mark.parametrize("use_multiprocessing", MODES)
def test_leaving_early_stops_the_workers(use_multiprocessing):
    batches = OrderedPrefetcher(Squares(length=50), 3, use_multiprocessing, 6).batches(range(50))
    assert int(next(batches)[0]) == 0
    batches.close()  # what the trainer's early stop or an exception does to the epoch


def test_a_dataset_that_cannot_be_pickled_is_told_so(monkeypatch):
    from lamina import backend

    monkeypatch.setattr(backend.engine.trainer, "worker_start_method", lambda: "spawn")

    class Local(Squares):  # a class inside a function cannot be pickled by reference
        pass

    with pytest.raises(TypeError, match="could not be pickled"):
        list(OrderedPrefetcher(Local(), 2, True, 2).batches(range(2)))
    assert not multiprocessing.active_children()


class Pids(Squares):
    """Batch ``i`` is ``[i + offset, pid of the loading process]``; each ``on_epoch_end``
    moves ``offset`` on by 100 (the state a worker must see in the next epoch)."""

    def __init__(self, length=6):
        super().__init__(length=length, delay=0.005)
        self.offset = 0

    def __getitem__(self, index):
        time.sleep(self.delay)
        return np.array([index + self.offset, os.getpid()])

    def on_epoch_end(self):
        self.offset += 100


def epoch(prefetcher, dataset):
    batches = np.stack(list(prefetcher.batches(range(dataset.length))))
    dataset.on_epoch_end()
    return batches[:, 0].tolist(), set(batches[:, 1].tolist())


@pytest.mark.usefixtures("nothing_left_running")
def test_processes_stay_across_epochs_and_see_the_epoch_hooks():
    dataset = Pids()
    prefetcher = OrderedPrefetcher(dataset, 2, True, max_queue_size=4)
    try:
        first_values, first_pids = epoch(prefetcher, dataset)
        pool = {process.pid for process in multiprocessing.active_children()}
        second_values, second_pids = epoch(prefetcher, dataset)
        third_values, third_pids = epoch(prefetcher, dataset)
        assert {process.pid for process in multiprocessing.active_children()} == pool
    finally:
        prefetcher.close()  # what the trainer does when fit returns
    prefetcher.close()  # idempotent
    assert first_values == list(range(6))
    assert second_values == [100 + i for i in range(6)]  # on_epoch_end's change reached them
    assert third_values == [200 + i for i in range(6)]
    assert os.getpid() not in first_pids
    assert first_pids | second_pids | third_pids <= pool  # the same processes throughout


@pytest.mark.usefixtures("nothing_left_running")
def test_an_unpicklable_dataset_gets_fresh_forked_workers_each_epoch():
    from lamina import backend

    if backend.engine.trainer.worker_start_method() != "fork":
        pytest.skip("only the fork start method can start workers on an unpicklable dataset")

    class Locked(Pids):  # a local class and a lock: neither pickles, fork copies both
        def __init__(self):
            super().__init__(length=4)
            self.lock = threading.Lock()

    dataset = Locked()
    prefetcher = OrderedPrefetcher(dataset, 2, True, max_queue_size=2)
    first_values, first_pids = epoch(prefetcher, dataset)
    second_values, second_pids = epoch(prefetcher, dataset)
    assert (first_values, second_values) == ([0, 1, 2, 3], [100, 101, 102, 103])
    assert not first_pids & second_pids
