"""``split_dataset``: two disjoint parts of a dataset (train / test), as ``keras.utils``."""

from __future__ import annotations

import numpy as np

from lamina.backend.common import tree
from lamina.utils.dataset_formats import to_tf_dataset
from lamina.utils.sample_dataset import SampleDataset


def _mro_names(obj) -> set[str]:
    return {f"{cls.__module__}.{cls.__name__}" for cls in type(obj).__mro__}


def _is_tf_dataset(obj) -> bool:
    return any(
        name.startswith("tensorflow.") and name.endswith(("Dataset", "DatasetV2"))
        for name in _mro_names(obj)
    )


def _check_arrays(arrays, kind: str) -> None:
    if not arrays:
        raise ValueError(f"split_dataset: dataset is an empty {kind}; expected arrays.")
    for position, array in enumerate(arrays):
        if not isinstance(array, np.ndarray):
            raise ValueError(
                f"split_dataset: a {kind} dataset must hold NumPy arrays; received "
                f"{type(array).__name__} at position {position}."
            )
        if len(array) != len(arrays[0]):
            raise ValueError(
                f"split_dataset: the arrays of a {kind} must have the same length; received "
                f"lengths {[len(a) for a in arrays]}."
            )


def _as_sample_dataset(dataset) -> SampleDataset:
    """A SampleDataset view of ``dataset``'s samples (no copy of arrays)."""
    if isinstance(dataset, SampleDataset):
        return dataset
    if isinstance(dataset, np.ndarray):
        return SampleDataset(lambda i: dataset[i], len(dataset), batch_size=None)
    if isinstance(dataset, (list, tuple)):
        _check_arrays(dataset, type(dataset).__name__)
        kind = type(dataset)
        return SampleDataset(lambda i: kind(a[i] for a in dataset), len(dataset[0]),
                             batch_size=None)  # fmt: skip
    if _is_tf_dataset(dataset):
        # Keras's way: a batched tf.data dataset is split by sample, then batched again.
        batch_size = getattr(dataset, "_batch_size", None)
        samples = list(dataset.unbatch() if batch_size is not None else dataset)
        samples = [tree.map_structure(np.asarray, sample) for sample in samples]
        batch_size = None if batch_size is None else int(np.asarray(batch_size))
        return SampleDataset(lambda i: samples[i], len(samples), batch_size=batch_size)
    if hasattr(dataset, "__len__") and hasattr(dataset, "__getitem__"):
        # A map-style dataset (torch.utils.data.Dataset and any sequence of samples).
        return SampleDataset(lambda i: dataset[i], len(dataset), batch_size=None)
    raise TypeError(
        "split_dataset: dataset must be a NumPy array, a list/tuple of arrays of one length, "
        "a Lamina dataset, a map-style dataset (len and indexing, such as a "
        f"torch.utils.data.Dataset) or a tf.data.Dataset; received {type(dataset).__name__}."
    )


def _split_sizes(left_size, right_size, total: int) -> tuple[int, int]:
    """Integer sizes from fractions or counts, Keras's rules (one may be None)."""
    if left_size is None and right_size is None:
        raise ValueError(
            "split_dataset: give left_size or right_size (or both); received both None."
        )
    sizes = {}
    for name, size in (("left_size", left_size), ("right_size", right_size)):
        if size is None:
            continue
        if isinstance(size, bool) or not isinstance(size, (int, float)):
            raise TypeError(
                f"split_dataset: {name} must be an int, a float or None; received "
                f"{type(size).__name__}."
            )
        if isinstance(size, float):
            if not 0 < size < 1:
                raise ValueError(
                    f"split_dataset: a float {name} is a fraction in (0, 1); received {size}."
                )
            sizes[name] = round(size * total)
        else:
            if not 0 < size < total:
                raise ValueError(
                    f"split_dataset: an int {name} is a count between 1 and {total - 1} (the "
                    f"dataset holds {total} samples); received {size}."
                )
            sizes[name] = size
    left = sizes.get("left_size", total - sizes.get("right_size", 0))
    right = sizes.get("right_size", total - left)
    if left + right > total:
        raise ValueError(
            f"split_dataset: left_size + right_size = {left + right} samples; the dataset "
            f"holds only {total}."
        )
    if left == 0 or right == 0:
        raise ValueError(
            f"split_dataset: with {total} samples, left_size={left_size} and "
            f"right_size={right_size} leave the {'left' if left == 0 else 'right'} part empty."
        )
    return left, right


def split_dataset(
    dataset, left_size=None, right_size=None, shuffle=False, seed=None, preferred_backend=None
):
    """Split ``dataset`` into a left part and a right part (say, train and test).

    ``left_size`` / ``right_size``: a float in (0, 1) is a fraction of the samples, an int a
    count; None is the complement of the other. When both are given and sum to less than
    the whole, the samples in between belong to neither. ``shuffle`` mixes the samples
    (from ``seed``) before the split.

    ``dataset``: a NumPy array, a list/tuple of arrays of one length, a Lamina dataset (from
    ``image_dataset_from_directory`` & co., split by sample and batched as before), a
    map-style dataset (``torch.utils.data.Dataset``...) or a ``tf.data.Dataset``. The parts
    are Lamina SampleDatasets (``len`` and indexing by sample, ``.batch(n)`` to batch,
    usable as a torch map-style dataset); a ``tf.data.Dataset`` input, or
    ``preferred_backend="tensorflow"``, gives ``tf.data.Dataset`` parts.

    >>> left, right = split_dataset(np.arange(10.0), left_size=0.8)
    >>> len(left), len(right)
    (8, 2)
    """
    if preferred_backend not in (None, "tensorflow", "torch", "jax", "numpy"):
        raise ValueError(
            "split_dataset: preferred_backend must be None, 'tensorflow', 'torch', 'jax' or "
            f"'numpy'; received {preferred_backend!r}."
        )
    samples = _as_sample_dataset(dataset)
    total = samples.num_samples
    left, right = _split_sizes(left_size, right_size, total)
    order = np.arange(total)
    if shuffle:
        order = np.random.default_rng(seed).permutation(total)
    parts = (samples.subset(order[:left]), samples.subset(order[total - right :]))
    if preferred_backend == "tensorflow" or _is_tf_dataset(dataset):
        return tuple(to_tf_dataset(part) for part in parts)
    return parts
