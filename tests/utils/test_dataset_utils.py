"""split_dataset: sizes as Keras computes them, shuffling, and every accepted input kind."""

import numpy as np
import pytest

from lamina.utils import SampleDataset, split_dataset


@pytest.mark.parametrize(
    ("left_size", "right_size", "expected"),
    [(0.8, None, (8, 2)), (None, 3, (7, 3)), (6, None, (6, 4)), (0.3, 0.5, (3, 5)), (2, 2, (2, 2))],
)
def test_sizes_as_keras(rng, left_size, right_size, expected):
    data = rng.standard_normal((10, 2))
    left, right = split_dataset(data, left_size=left_size, right_size=right_size)
    assert (len(left), len(right)) == expected
    np.testing.assert_array_equal(np.stack(list(left)), data[: expected[0]])
    np.testing.assert_array_equal(np.stack(list(right)), data[10 - expected[1] :])


def test_tuple_of_arrays_keeps_pairs_and_shuffles_with_a_seed(rng):
    x, y = rng.standard_normal((12, 3)), np.arange(12)
    left, right = split_dataset((x, y), left_size=0.5, shuffle=True, seed=4)
    again, _ = split_dataset((x, y), left_size=0.5, shuffle=True, seed=4)
    labels = [int(label) for _, label in left]
    assert labels == [int(label) for _, label in again]
    assert labels != list(range(6))
    assert sorted(labels + [int(label) for _, label in right]) == list(range(12))
    for features, label in left:
        np.testing.assert_array_equal(features, x[label])
    batch_x, batch_y = left.batch(4)[0]
    assert batch_x.shape == (4, 3)
    np.testing.assert_array_equal(batch_x, x[batch_y])


def test_map_style_dataset_and_lamina_dataset(rng):
    class Squares:  # the torch.utils.data.Dataset protocol: len and indexing
        def __len__(self):
            return 9

        def __getitem__(self, index):
            return np.float64(index) ** 2

    left, right = split_dataset(Squares(), right_size=0.34)
    assert list(right) == [36.0, 49.0, 64.0]
    features = rng.standard_normal((10, 2))
    batched = SampleDataset(lambda i: features[i], 10, batch_size=3)
    left, right = split_dataset(batched, left_size=4)
    assert left.batch_size == 3
    np.testing.assert_array_equal(np.concatenate(list(right)), features[4:])


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({}, ValueError, "give left_size or right_size"),
        ({"left_size": 1.5}, ValueError, r"a float left_size is a fraction in \(0, 1\)"),
        ({"right_size": 10}, ValueError, "an int right_size is a count between 1 and 9"),
        ({"left_size": "half"}, TypeError, "left_size must be an int, a float or None"),
        ({"left_size": 6, "right_size": 6}, ValueError, "left_size \\+ right_size = 12"),
        ({"left_size": 0.01}, ValueError, "leave the left part empty"),
        ({"left_size": 2, "preferred_backend": "mxnet"}, ValueError, "preferred_backend must be"),
    ],
)
def test_bad_sizes_are_named(rng, kwargs, error, message):
    with pytest.raises(error, match=message):
        split_dataset(rng.standard_normal((10, 1)), **kwargs)


def test_bad_datasets_are_named(rng):
    with pytest.raises(TypeError, match="dataset must be a NumPy array"):
        split_dataset(3, left_size=0.5)
    with pytest.raises(ValueError, match="the arrays of a tuple must have the same length"):
        split_dataset((rng.standard_normal(4), rng.standard_normal(5)), left_size=0.5)
    with pytest.raises(ValueError, match="must hold NumPy arrays; received list at position 0"):
        split_dataset([[1, 2], [3, 4]], left_size=0.5)
