"""CIFAR-10: 60,000 32×32 colour images in 10 classes (Krizhevsky, 2009).

Labels: 0 airplane, 1 automobile, 2 bird, 3 cat, 4 deer, 5 dog, 6 frog, 7 horse, 8 ship,
9 truck.
"""

from __future__ import annotations

import os

import numpy as np

from lamina.datasets._cifar import batch_folder, load_batch, to_data_format

ORIGIN = "https://www.cs.toronto.edu/~kriz/cifar-10-python.tar.gz"
FILE_HASH = "6d958be074577803d12ecdefd02955f39262c83c16fe9348329d7fe0b5c001ce"
DIRNAME = "cifar-10-batches-py-target"
INNER = "cifar-10-batches-py"
TRAIN_BATCHES = tuple(f"data_batch_{i}" for i in range(1, 6))


def load_data():
    """Loads CIFAR-10: ``(x_train, y_train), (x_test, y_test)``.

    ``x_*`` are uint8 images, ``(n, 32, 32, 3)`` under ``image_data_format()
    == "channels_last"`` (``(n, 3, 32, 32)`` under channels_first), values 0–255; ``y_*``
    are uint8 labels 0–9 of shape ``(n, 1)``; 50,000 training and 10,000 test images.

    The archive is cached as Keras caches it (``datasets/cifar-10-batches-py-target_archive``,
    unpacked into ``datasets/cifar-10-batches-py-target/``) under ``$LAMINA_HOME``; Keras's
    ``~/.keras`` cache is used when it has the data. The batches are Python pickles: they
    are read by an unpickler that builds nothing but arrays, lists and numbers.
    """
    folder = batch_folder(
        DIRNAME, ORIGIN, FILE_HASH, INNER,
        required=(*TRAIN_BATCHES, "test_batch"), optional=("batches.meta",),
    )  # fmt: skip
    parts = [load_batch(os.path.join(folder, name)) for name in TRAIN_BATCHES]
    x_train = np.concatenate([data for data, _ in parts]).astype("uint8", copy=False)
    y_train = np.concatenate([labels for _, labels in parts]).astype("uint8")
    x_test, y_test = load_batch(os.path.join(folder, "test_batch"))
    x_test, y_test = x_test.astype("uint8", copy=False), y_test.astype("uint8")
    y_train, y_test = y_train.reshape(-1, 1), y_test.reshape(-1, 1)
    return (to_data_format(x_train), y_train), (to_data_format(x_test), y_test)


__all__ = ["load_data"]
