"""``text_dataset_from_directory``: a class-per-subfolder tree of ``.txt`` files as a dataset."""

from __future__ import annotations

import functools

import numpy as np

from lamina.utils import directory_index
from lamina.utils.dataset_formats import FORMATS, as_requested_format


def _read_text(path, max_length):
    with open(path, encoding="utf-8", errors="replace") as file:
        text = file.read() if max_length is None else file.read(max_length)
    return np.asarray(text, dtype=object)  # a 0-d object array: strings stack into (batch,)


def text_dataset_from_directory(
    directory,
    labels="inferred",
    label_mode="int",
    class_names=None,
    batch_size=32,
    max_length=None,
    shuffle=True,
    seed=None,
    validation_split=None,
    subset=None,
    follow_links=False,
    format="lamina",
    verbose=True,
):
    """A dataset of texts read from the ``.txt`` files under ``directory``, one subfolder
    per class (labels as in ``image_dataset_from_directory``).

    Batches are ``texts``, a NumPy object array of Python strings ``(batch,)``, or
    ``(texts, labels)``. ``max_length`` truncates each text to that many characters. As in
    ``image_dataset_from_directory``, ``format`` defaults to ``"lamina"`` (a SampleDataset
    ``fit`` takes on every engine); ``"tf"`` and ``"grain"`` return those libraries'
    datasets. String batches go into a model that starts with a string layer
    (``TextVectorization``, ``StringLookup``).

    >>> train = text_dataset_from_directory("reviews/", batch_size=64)  # doctest: +SKIP
    """
    directory_index.check_label_arguments(labels, label_mode, class_names, "text")
    if labels is None or label_mode is None:
        labels, label_mode = None, None
    if max_length is not None and (
        isinstance(max_length, bool) or not isinstance(max_length, int) or max_length < 1
    ):
        raise ValueError(
            f"max_length must be a positive integer or None; received max_length={max_length!r}."
        )
    if format not in FORMATS:
        raise ValueError(f"format must be one of {FORMATS}; received format={format!r}.")
    directory_index.check_validation_split_arg(validation_split, subset, shuffle, seed)
    if seed is None:
        seed = int(np.random.randint(1_000_000))
    file_paths, labels, class_names = directory_index.index_directory(
        directory, labels, (".txt",), class_names=class_names, shuffle=shuffle, seed=seed,
        follow_links=follow_links, verbose=verbose,
    )  # fmt: skip
    directory_index.check_binary_classes(label_mode, class_names)
    read_text = functools.partial(_read_text, max_length=max_length)
    datasets = []
    for name, paths, part_labels in directory_index.subsets(
        file_paths, labels, validation_split, subset, directory, "text", verbose
    ):
        dataset = directory_index.files_dataset(
            paths, part_labels, read_text, label_mode, class_names, batch_size,
            shuffle=shuffle and name != "validation", seed=seed,
        )  # fmt: skip
        datasets.append(as_requested_format(dataset, format))
    return tuple(datasets) if subset == "both" else datasets[0]
