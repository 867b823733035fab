"""Each process's part of the data (process_shard.py), checked in one process by building
the part of every process of a run and comparing them."""

from __future__ import annotations

import numpy as np
import pytest

from lamina import backend
from lamina.trainers.data_adapters import get_data_adapter
from lamina.trainers.data_adapters.process_shard import ProcessPredictParts, shard_adapter
from lamina.utils import PyDataset


def _rows(batch):
    x = batch[0] if isinstance(batch, tuple) else batch
    return np.asarray(backend.convert_to_numpy(x))[:, 0].astype(int).tolist()


def _parts(source, num_processes, training, **kwargs):
    """The rows each process gets, batch by batch, for one epoch."""
    parts = []
    for process_id in range(num_processes):
        adapter = shard_adapter(
            get_data_adapter(source, **kwargs), num_processes, process_id, 99, training
        )
        batches = [_rows(batch) for batch in adapter.get_iterator()]
        assert len(batches) == adapter.num_batches
        parts.append(batches)
    return parts


def _samples(n):
    return np.arange(n, dtype="float32")[:, None] * np.ones((1, 3), "float32")


def test_shuffled_arrays_split_each_global_batch_over_the_processes():
    parts = _parts(_samples(24), 2, training=True, batch_size=8, shuffle=True)
    assert [len(batch) for part in parts for batch in part] == [4] * 6  # 8 / 2 per process
    rows = [row for part in parts for batch in part for row in batch]
    assert sorted(rows) == list(range(24))  # each sample once, in one process
    assert rows[:4] != list(range(4))  # shuffled, alike in both processes (a shared seed)


def test_training_keeps_the_largest_even_part_of_the_last_batch():
    with pytest.warns(UserWarning, match="1 of its samples are left out"):
        parts = _parts(_samples(11), 2, training=True, batch_size=4, shuffle=False)
    assert parts == [[[0, 1], [4, 5], [8]], [[2, 3], [6, 7], [9]]]


def test_evaluation_keeps_every_sample():
    parts = _parts(_samples(9), 2, training=False, batch_size=4, shuffle=False)
    assert parts == [[[0, 1], [4, 5], [8]], [[2, 3], [6, 7]]]


def test_a_global_batch_that_does_not_divide_is_refused():
    adapter = get_data_adapter(_samples(12), batch_size=6)
    with pytest.raises(ValueError, match="multiple of 4; received batch_size=6"):
        shard_adapter(adapter, 4, 0, 0, True)


class _Batches(PyDataset):
    def __init__(self, count):
        super().__init__()
        self.count = count
        self.loaded = []

    def __len__(self):
        return self.count

    def __getitem__(self, index):
        self.loaded.append(index)
        return _samples(2)[:1] + index, np.zeros((1, 1), "float32")


def test_a_py_dataset_loads_only_this_process_batches():
    datasets = [_Batches(7), _Batches(7)]
    seen = []
    for process_id, dataset in enumerate(datasets):
        adapter = shard_adapter(get_data_adapter(dataset, shuffle=True), 2, process_id, 5, True)
        assert adapter.num_batches == 3
        seen.append([_rows(batch)[0] for batch in adapter.get_iterator()])
        assert dataset.loaded == seen[-1]  # the other process's batches are never loaded
    assert len(set(seen[0]) | set(seen[1])) == 6  # disjoint; one of the 7 is left out


class _Stream:
    """A re-iterable source with a length, as a DataLoader is."""

    def __len__(self):
        return 5

    def __iter__(self):
        return iter([(_samples(2)[:1] + index,) for index in range(5)])


def test_batches_of_a_stream_with_a_length_go_round_the_processes():
    parts = _parts(_Stream(), 2, training=True)
    assert parts == [[[0], [2]], [[1], [3]]]


def test_a_stream_without_a_length_is_refused():
    def stream():
        yield (_samples(2),)

    with pytest.raises(ValueError, match="of unknown length"):
        shard_adapter(get_data_adapter(stream()), 2, 0, 0, True)


def _predict_parts(source, num_processes, multiple, **kwargs):
    """Per batch, the rows of every process's part joined in process order (as one global
    array holds them), and the sizes each process reported."""
    adapters = [
        ProcessPredictParts(get_data_adapter(source, **kwargs), num_processes, index, multiple)
        for index in range(num_processes)
    ]
    joined = [
        [row for batch in batches for row in _rows(batch)]
        for batches in zip(*(adapter.get_iterator() for adapter in adapters))
    ]
    return joined, [adapter.take_sizes() for adapter in adapters]


def test_predict_parts_join_into_each_batch_with_the_last_filled_up_at_its_end():
    joined, sizes = _predict_parts(_samples(13), 2, 2, batch_size=8)
    assert joined[0] == list(range(8))  # 4 + 4 rows: no filler
    assert joined[1] == [8, 9, 10, 11, 12, 12, 12, 12]  # 5 rows into 2 parts of 2 x 2
    assert sizes == [[(8, 8), (5, 8)]] * 2  # alike in every process


def test_predict_parts_of_a_py_dataset_fill_up_every_batch():
    joined, sizes = _predict_parts(_Batches(3), 3, 1)
    assert joined == [[0, 0, 0], [1, 1, 1], [2, 2, 2]]  # 1 row per batch, filled to 3 x 1
    assert sizes == [[(1, 3)] * 3] * 3
