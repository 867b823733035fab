"""Listing a class-per-subfolder directory for the ``*_dataset_from_directory`` utilities.

Files are indexed as Keras 3 indexes them (class folders in alphanumeric order, files sorted
within each, then one global shuffle from the seed), so a seed picks the same training and
validation files as in Keras. Unlike Keras, a symbolic link whose target lies outside the
directory is refused: a dataset folder cannot pull in files from elsewhere on the disk.
"""

from __future__ import annotations

import os
from collections.abc import Sequence

import numpy as np

from lamina.utils.sample_dataset import SampleDataset


def check_label_arguments(labels, label_mode, class_names, kind: str) -> None:
    """The checks Keras makes on ``labels``, ``label_mode`` and ``class_names``."""
    if labels not in ("inferred", None):
        if not isinstance(labels, (list, tuple)):
            raise ValueError(
                "labels must be 'inferred', None, or a list/tuple of integer labels, one per "
                f"{kind} file in the directory (in alphanumeric order of the file paths); "
                f"received labels={labels!r}."
            )
        if class_names:
            raise ValueError(
                "class_names can only be given with labels='inferred'; received "
                f"labels={labels!r} and class_names={class_names!r}."
            )
    if label_mode not in ("int", "categorical", "binary", None):
        raise ValueError(
            "label_mode must be one of 'int', 'categorical', 'binary' or None; received "
            f"label_mode={label_mode!r}."
        )


def check_validation_split_arg(validation_split, subset, shuffle, seed) -> None:
    if validation_split is not None and not 0 < validation_split < 1:
        raise ValueError(
            f"validation_split must be between 0 and 1 (exclusive); received {validation_split!r}."
        )
    if subset not in ("training", "validation", "both", None):
        raise ValueError(
            f"subset must be 'training', 'validation', 'both' or None; received subset={subset!r}."
        )
    if bool(validation_split) != bool(subset):
        raise ValueError(
            "validation_split and subset go together: give both or neither; received "
            f"validation_split={validation_split!r} and subset={subset!r}."
        )
    if validation_split and shuffle and seed is None:
        raise ValueError(
            "With validation_split and shuffle=True, give a seed, so that the training and "
            "validation subsets (made by separate calls) do not overlap; received seed=None."
        )


def _is_inside(root: str, path: str) -> bool:
    return os.path.commonpath([root, path]) == root


def _refuse_escaping_link(root: str, path: str) -> None:
    if os.path.islink(path) and not _is_inside(root, os.path.realpath(path)):
        raise ValueError(
            f"{path!r} is a symbolic link to {os.path.realpath(path)!r}, outside the dataset "
            f"directory {root!r}; links may only point inside it."
        )


def _walk_files(folder: str, root: str, follow_links: bool, formats: tuple[str, ...]):
    """(root-relative folder, file name) of each allowed file under ``folder``, sorted by
    folder then name, as Keras's walk; linked folders are entered once each."""
    found = []
    visited = set()
    for current, subfolders, files in os.walk(folder, followlinks=follow_links):
        real = os.path.realpath(current)
        if real in visited:  # a link back to a folder already walked: no cycles
            subfolders[:] = []
            continue
        visited.add(real)
        if follow_links:
            for name in subfolders:
                _refuse_escaping_link(root, os.path.join(current, name))
        for name in files:
            if name.lower().endswith(formats):
                _refuse_escaping_link(root, os.path.join(current, name))
                found.append((current, name))
    return sorted(found)


def _class_folders(directory: str, class_names, follow_links: bool) -> list[str]:
    folders = []
    for name in sorted(os.listdir(directory)):
        path = os.path.join(directory, name)
        if name.startswith(".") or not os.path.isdir(path):
            continue
        if os.path.islink(path) and not follow_links:
            continue
        folders.append(name)
    if class_names is None:
        return folders
    unknown = [name for name in class_names if name not in folders]
    if unknown:
        raise ValueError(
            "class_names must name subdirectories of the target directory: expected names "
            f"among {folders}; received class_names={list(class_names)} ({unknown} not found)."
        )
    return list(class_names)  # the user's order sets the label indices


def index_directory(
    directory,
    labels,
    formats: tuple[str, ...],
    class_names=None,
    shuffle: bool = True,
    seed: int | None = None,
    follow_links: bool = False,
    verbose: bool = True,
):
    """``(file_paths, labels, class_names)`` for the allowed files under ``directory``.

    ``labels="inferred"`` takes one class per subfolder; a list gives one integer label per
    file in alphanumeric path order; None gives no labels (and ``class_names`` None).
    """
    directory = os.fspath(directory)
    if not os.path.isdir(directory):
        raise ValueError(f"directory must be an existing folder; received {directory!r}.")
    root = os.path.realpath(directory)
    if labels == "inferred":
        folders = _class_folders(directory, class_names, follow_links)
    else:
        if class_names is not None:
            raise ValueError(
                "class_names can only be given with labels='inferred'; received "
                f"labels={labels!r} and class_names={class_names!r}."
            )
        folders = [""]
    file_paths, label_list = [], []
    for label, folder in enumerate(folders):
        for current, name in _walk_files(
            os.path.join(directory, folder), root, follow_links, formats
        ):
            file_paths.append(os.path.join(current, name))
            label_list.append(label)
    if labels == "inferred":
        class_names = folders
        label_array = np.asarray(label_list, dtype="int32")
    elif labels is None:
        class_names, label_array = None, None
    else:
        if len(labels) != len(file_paths):
            raise ValueError(
                f"labels must hold one label per file: found {len(file_paths)} files in "
                f"{directory!r}; received {len(labels)} labels."
            )
        label_array = np.asarray(labels)
        class_names = [str(label) for label in sorted(set(np.asarray(labels).tolist()))]
    if verbose:
        if class_names is None:
            print(f"Found {len(file_paths)} files.")
        else:
            print(f"Found {len(file_paths)} files belonging to {len(class_names)} classes.")
    if shuffle:
        if seed is None:
            seed = np.random.randint(1_000_000)
        # Keras's global shuffle: one RandomState per list, same seed, so pairs stay aligned.
        np.random.RandomState(seed).shuffle(file_paths)
        if label_array is not None:
            np.random.RandomState(seed).shuffle(label_array)
    return file_paths, label_array, class_names


def get_training_or_validation_split(
    samples: Sequence, labels, validation_split, subset, verbose: bool = True
):
    """The last ``int(validation_split * n)`` samples are the validation subset."""
    if not validation_split:
        return samples, labels
    num_validation = int(validation_split * len(samples))
    split = len(samples) - num_validation
    if subset == "training":
        selected = slice(0, split)
        if verbose:
            print(f"Using {split} files for training.")
    elif subset == "validation":
        selected = slice(split, len(samples))
        if verbose:
            print(f"Using {num_validation} files for validation.")
    else:
        raise ValueError(f"subset must be 'training' or 'validation'; received {subset!r}.")
    return samples[selected], None if labels is None else labels[selected]


def encode_label(label, label_mode: str | None, num_classes: int):
    """One label as Keras's datasets yield it: int32 scalar, float32 ``(1,)`` or one-hot."""
    if label_mode == "binary":
        return np.asarray([label], dtype="float32")
    if label_mode == "categorical":
        one_hot = np.zeros((num_classes,), dtype="float32")
        one_hot[int(label)] = 1.0
        return one_hot
    return np.asarray(label, dtype="int32")


def check_binary_classes(label_mode, class_names) -> None:
    if label_mode == "binary" and len(class_names) != 2:
        raise ValueError(
            f"label_mode='binary' needs exactly 2 classes; received class_names={class_names}."
        )


def subsets(
    file_paths: list, labels, validation_split, subset, directory, kind: str, verbose: bool
) -> list[tuple[str, list, object]]:
    """``[(subset name, file paths, labels)]``: one entry, or training and validation for
    ``subset="both"``. An empty subset is an error naming the directory."""
    names = ["training", "validation"] if subset == "both" else [subset]
    parts = []
    for name in names:
        paths, part_labels = get_training_or_validation_split(
            file_paths, labels, validation_split, name, verbose
        )
        if not len(paths):
            which = f"{name} " if validation_split else ""
            raise ValueError(f"No {which}{kind} files found in directory {directory!r}.")
        parts.append((name, list(paths), part_labels))
    return parts


def files_dataset(paths, labels, load_file, label_mode, class_names, batch_size, shuffle, seed,
                  collate=None) -> SampleDataset:  # fmt: skip
    """A SampleDataset whose sample ``i`` is ``load_file(paths[i])``, with its encoded label
    when ``label_mode`` is set."""
    num_classes = len(class_names) if class_names else 0

    def load_sample(index):
        content = load_file(paths[index])
        if label_mode is None:
            return content
        return content, encode_label(labels[index], label_mode, num_classes)

    extra = {} if collate is None else {"collate": collate}
    return SampleDataset(
        load_sample, len(paths), batch_size=batch_size, shuffle=shuffle, seed=seed,
        class_names=class_names, file_paths=list(paths), **extra,
    )  # fmt: skip
