"""SampleDataset: batching, per-epoch shuffling from a seed, iteration, derived datasets."""

import numpy as np
import pytest

from lamina import backend
from lamina.trainers.data_adapters import get_data_adapter
from lamina.trainers.data_adapters.py_dataset import PyDataset
from lamina.utils.sample_dataset import SampleDataset, pad_and_stack_samples


def _dataset(rng, num_samples=10, **kwargs):
    features = rng.standard_normal((num_samples, 3)).astype("float32")
    labels = rng.integers(0, 5, num_samples).astype("int32")
    dataset = SampleDataset(lambda i: (features[i], labels[i]), num_samples, **kwargs)
    return dataset, features, labels


def test_batches_stack_samples_in_order_without_shuffle(rng):
    dataset, features, labels = _dataset(rng, batch_size=4)
    assert isinstance(dataset, PyDataset)
    assert len(dataset) == 3  # 4 + 4 + 2
    batches = list(dataset)
    assert [len(x) for x, _ in batches] == [4, 4, 2]
    np.testing.assert_array_equal(np.concatenate([x for x, _ in batches]), features)
    np.testing.assert_array_equal(np.concatenate([y for _, y in batches]), labels)
    np.testing.assert_array_equal(dataset[-1][0], features[8:])


def test_unbatched_dataset_yields_samples(rng):
    dataset, features, labels = _dataset(rng, batch_size=None)
    assert len(dataset) == 10
    x, y = dataset[3]
    np.testing.assert_array_equal(x, features[3])
    assert y == labels[3]


def test_shuffle_is_a_permutation_per_epoch_and_repeats_under_a_seed(rng):
    dataset, features, _ = _dataset(rng, num_samples=40, batch_size=8, shuffle=True, seed=3)
    twin = SampleDataset(dataset.load_sample, 40, batch_size=8, shuffle=True, seed=3)
    epochs = [np.concatenate([x for x, _ in dataset]) for _ in range(2)]
    twin_epochs = [np.concatenate([x for x, _ in twin]) for _ in range(2)]
    key = np.lexsort(features.T)
    for epoch, twin_epoch in zip(epochs, twin_epochs):
        np.testing.assert_array_equal(epoch[np.lexsort(epoch.T)], features[key])  # a permutation
        np.testing.assert_array_equal(epoch, twin_epoch)  # same seed: same orders
    assert not np.array_equal(epochs[0], features)  # shuffled
    assert not np.array_equal(epochs[0], epochs[1])  # a new order each epoch


def test_a_pass_broken_off_keeps_the_epoch(rng):
    dataset, _, _ = _dataset(rng, num_samples=20, batch_size=5, shuffle=True, seed=0)
    first = next(iter(dataset))[1]
    again = next(iter(dataset))[1]
    np.testing.assert_array_equal(first, again)


def test_on_epoch_end_draws_the_next_order(rng):
    dataset, _, _ = _dataset(rng, num_samples=30, batch_size=30, shuffle=True, seed=5)
    before = dataset[0][1]
    dataset.on_epoch_end()
    after = dataset[0][1]
    np.testing.assert_array_equal(np.sort(before), np.sort(after))
    assert not np.array_equal(before, after)


def test_index_out_of_range_is_an_index_error(rng):
    dataset, _, _ = _dataset(rng, batch_size=4)
    with pytest.raises(IndexError, match="out of range for 3 batches"):
        dataset[3]


@pytest.mark.parametrize("batch_size", [0, -1, 2.5, True])
def test_bad_batch_size_names_the_argument(rng, batch_size):
    with pytest.raises(
        ValueError, match=r"batch_size must be a positive integer or None; received"
    ):
        _dataset(rng, batch_size=batch_size)


def test_batch_and_subset_derive_new_datasets(rng):
    dataset, features, _ = _dataset(rng, batch_size=None)
    batched = dataset.batch(4)
    assert len(batched) == 3
    assert len(dataset) == 10
    part = dataset.subset([7, 2, 5]).batch(2)
    np.testing.assert_array_equal(part[0][0], features[[7, 2]])
    np.testing.assert_array_equal(part[1][0], features[[5]])


def test_pad_and_stack_pads_the_first_axis_with_zeros(rng):
    short, long = rng.standard_normal((2, 1)), rng.standard_normal((4, 1))
    batch, labels = pad_and_stack_samples([(short, np.int32(0)), (long, np.int32(1))])
    assert batch.shape == (2, 4, 1)
    np.testing.assert_array_equal(batch[0, :2], short)
    np.testing.assert_array_equal(batch[0, 2:], 0.0)
    np.testing.assert_array_equal(batch[1], long)
    np.testing.assert_array_equal(labels, [0, 1])


def test_fit_adapter_loads_every_sample_once_per_epoch(rng):
    dataset, features, _ = _dataset(rng, num_samples=20, batch_size=3, shuffle=True, seed=1)
    adapter = get_data_adapter(dataset, shuffle=True)  # loads on the dataset's threads
    key = np.lexsort(features.T)
    for _ in range(2):
        batches = [backend.convert_to_numpy(x) for x, _ in adapter.get_iterator()]
        adapter.on_epoch_end()
        seen = np.concatenate(batches)
        np.testing.assert_allclose(seen[np.lexsort(seen.T)], features[key])
