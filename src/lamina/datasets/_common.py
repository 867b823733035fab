"""What the dataset loaders share: the cache folders, fetching a file, checking arguments."""

from __future__ import annotations

import os

import numpy as np

from lamina.utils.file_utils import get_file, hash_file, lamina_home

ORIGIN_FOLDER = "https://storage.googleapis.com/tensorflow/tf-keras-datasets/"


def keras_datasets_dir(subdir: str = "") -> str:
    """Keras's own cache (``$KERAS_HOME/datasets``, else ``~/.keras/datasets``): files a
    Keras install already downloaded are read from there instead of fetched again."""
    home = os.environ.get("KERAS_HOME") or os.path.join(os.path.expanduser("~"), ".keras")
    return os.path.join(home, "datasets", subdir) if subdir else os.path.join(home, "datasets")


def check_fname(fname, argument="path") -> str:
    fname = os.fspath(fname)
    if not isinstance(fname, str) or not fname or os.sep in fname or fname in (".", ".."):
        raise ValueError(
            f"`{argument}` must be a file name inside the cache folder (no directories); "
            f"received {argument}={fname!r}."
        )
    return fname


def fetch(fname, origin, file_hash, subdir="") -> str:
    """The local path of ``fname``: from ``$LAMINA_HOME/datasets/<subdir>``, Keras's cache,
    or downloaded from ``origin`` into the first, then checked against ``file_hash``.

    ``file_hash``: one sha256 (64 hex digits) or several, an md5 (32 hex digits, as Keras
    gives for its word-index files), or None (Keras gives none for Fashion-MNIST).
    """
    cache_subdir = os.path.join("datasets", subdir) if subdir else "datasets"
    extra = (keras_datasets_dir(subdir),)
    if isinstance(file_hash, str) and len(file_hash) == 32:
        return _fetch_md5(fname, origin, file_hash.lower(), cache_subdir, extra)
    return get_file(
        fname=fname,
        origin=origin,
        file_hash=file_hash,
        cache_subdir=cache_subdir,
        extra_search_dirs=extra,
    )


def _fetch_md5(fname, origin, md5, cache_subdir, extra) -> str:
    # get_file checks sha256 only: look through the caches here, then check the result.
    for directory in (os.path.join(lamina_home(), cache_subdir), *extra):
        candidate = os.path.join(directory, fname)
        if os.path.isfile(candidate) and hash_file(candidate, "md5") == md5:
            return candidate
    local = get_file(
        fname=fname, origin=origin, file_hash=None, cache_subdir=cache_subdir,
        extra_search_dirs=(),
    )  # fmt: skip
    digest = hash_file(local, "md5")
    if digest != md5:
        raise ValueError(
            f"{local} has md5 {digest}, not the expected {md5}: it is corrupted or not the "
            f"file from {origin}. Delete it so that it is downloaded again."
        )
    return local


def check_test_split(test_split, *, allow_one=False) -> float:
    if isinstance(test_split, bool) or not isinstance(test_split, (int, float)):
        raise TypeError(f"`test_split` must be a float; received test_split={test_split!r}.")
    upper_ok = test_split <= 1 if allow_one else test_split < 1
    if not (test_split >= 0 and upper_ok):
        bound = "1]" if allow_one else "1)"
        raise ValueError(
            f"`test_split` must be in [0, {bound}, the fraction of samples kept for "
            f"testing; received test_split={test_split}."
        )
    return float(test_split)


def shuffled_split(x, y, test_split, seed):
    """Keras's order for the regression sets: a ``RandomState(seed)`` permutation, then the
    first ``int(n * (1 - test_split))`` samples for training and the rest for testing."""
    indices = np.arange(len(x))
    np.random.RandomState(seed).shuffle(indices)
    x, y = x[indices], y[indices]
    cut = int(len(x) * (1 - test_split))
    return (np.array(x[:cut]), np.array(y[:cut])), (np.array(x[cut:]), np.array(y[cut:]))
