"""MNIST: 70,000 28×28 grayscale digits, in Keras's ``mnist.npz`` layout."""

from __future__ import annotations

import os
import shutil

import numpy as np

from lamina.utils.file_utils import get_file, lamina_home, validate_file

ORIGIN = "https://storage.googleapis.com/tensorflow/tf-keras-datasets/mnist.npz"
# Keras's file, and this repository's data/mnist.npz: the same arrays, different zip bytes.
FILE_HASHES = (
    "731c5ac602752760c8e48fbffcf8c3b850d9dc2a2aedcf2cc48468fc17b673d1",
    "564eb681eb2f7bff726037f3dfc45398f3925355cc8e6db7dc5cd1e823aeb4ea",
)
_KERAS_CACHE = os.path.join(os.path.expanduser("~"), ".keras", "datasets")


def cache_dir() -> str:
    """The folder MNIST is cached in: ``$LAMINA_HOME/datasets`` (``~/.lamina/datasets``)."""
    return os.path.join(lamina_home(), "datasets")


def seed_cache_from(source, path="mnist.npz") -> str:
    """Copies a local ``mnist.npz`` (such as the repository's ``data/mnist.npz``) into the
    cache, after checking its hash, so that ``load_data`` works offline. Returns its path."""
    source = os.fspath(source)
    if not validate_file(source, FILE_HASHES):
        raise ValueError(f"{source} is not a known copy of mnist.npz (its sha256 differs).")
    os.makedirs(cache_dir(), exist_ok=True)
    target = os.path.join(cache_dir(), path)
    if os.path.abspath(source) != os.path.abspath(target):
        shutil.copyfile(source, target)
    return target


def load_data(path="mnist.npz"):
    """Loads MNIST: ``(x_train, y_train), (x_test, y_test)``.

    ``x_*`` are uint8 arrays of shape ``(n, 28, 28)`` with values 0–255, ``y_*`` uint8
    labels 0–9; 60,000 training and 10,000 test images. The file is looked for in
    ``$LAMINA_HOME/datasets`` and in Keras's ``~/.keras/datasets``, and downloaded (then
    checked against its sha256) only when neither has it.

    Example:

    ```python
    (x_train, y_train), (x_test, y_test) = lamina.datasets.mnist.load_data()
    assert x_train.shape == (60000, 28, 28)
    ```
    """
    local = get_file(
        fname=path,
        origin=ORIGIN,
        file_hash=FILE_HASHES,
        cache_subdir="datasets",
        extra_search_dirs=(_KERAS_CACHE,),
    )
    # allow_pickle=False: an .npz from the network must never run code when read.
    with np.load(local, allow_pickle=False) as data:
        x_train, y_train = data["x_train"], data["y_train"]
        x_test, y_test = data["x_test"], data["y_test"]
    return (x_train, y_train), (x_test, y_test)


__all__ = ["load_data", "seed_cache_from"]
