"""CIFAR-100: 60,000 32×32 colour images in 100 fine classes grouped in 20 coarse ones."""

from __future__ import annotations

import os

import numpy as np

from lamina.datasets._cifar import batch_folder, load_batch, to_data_format

ORIGIN = "https://www.cs.toronto.edu/~kriz/cifar-100-python.tar.gz"
FILE_HASH = "85cd44d02ba6437773c5bbd22e183051d648de2e7d6b014e1ef29b855ba677a7"
DIRNAME = "cifar-100-python-target"
INNER = "cifar-100-python"


def load_data(label_mode="fine"):
    """Loads CIFAR-100: ``(x_train, y_train), (x_test, y_test)``.

    Args:
        label_mode: ``"fine"`` (labels 0–99) or ``"coarse"`` (the 20 superclasses, 0–19).

    Returns:
        ``x_*``: uint8 images ``(n, 32, 32, 3)`` under channels_last (``(n, 3, 32, 32)``
        under channels_first); ``y_*``: int64 labels of shape ``(n, 1)``, as Keras gives
        them; 50,000 training and 10,000 test images.

    The archive is cached as Keras caches it (``datasets/cifar-100-python-target_archive``,
    unpacked into ``datasets/cifar-100-python-target/``); see ``cifar10.load_data``.
    """
    if label_mode not in ("fine", "coarse"):
        raise ValueError(
            f"`label_mode` must be one of 'fine', 'coarse'; received label_mode={label_mode!r}."
        )
    folder = batch_folder(
        DIRNAME, ORIGIN, FILE_HASH, INNER, required=("train", "test"), optional=("meta",)
    )
    key = f"{label_mode}_labels"
    x_train, y_train = load_batch(os.path.join(folder, "train"), label_key=key)
    x_test, y_test = load_batch(os.path.join(folder, "test"), label_key=key)
    y_train = np.reshape(y_train, (len(y_train), 1))
    y_test = np.reshape(y_test, (len(y_test), 1))
    return (to_data_format(x_train), y_train), (to_data_format(x_test), y_test)


__all__ = ["load_data"]
