"""Fashion-MNIST: 70,000 28×28 grayscale images of 10 kinds of clothing (Zalando, MIT licence).

Labels: 0 T-shirt/top, 1 Trouser, 2 Pullover, 3 Dress, 4 Coat, 5 Sandal, 6 Shirt,
7 Sneaker, 8 Bag, 9 Ankle boot.
"""

from __future__ import annotations

import gzip
import os
import shutil

import numpy as np

from lamina.datasets._common import ORIGIN_FOLDER, fetch
from lamina.utils.file_utils import lamina_home

SUBDIR = "fashion-mnist"
FILES = (
    "train-labels-idx1-ubyte.gz",
    "train-images-idx3-ubyte.gz",
    "t10k-labels-idx1-ubyte.gz",
    "t10k-images-idx3-ubyte.gz",
)
# Keras gives no hash for these files (copies of them differ in their gzip bytes); instead
# each file's IDX header is checked against the shape it must have.
_LABELS_MAGIC = 0x00000801
_IMAGES_MAGIC = 0x00000803


def cache_dir() -> str:
    """``$LAMINA_HOME/datasets/fashion-mnist``: where the four files are cached."""
    return os.path.join(lamina_home(), "datasets", SUBDIR)


def seed_cache_from(source) -> str:
    """Copies the four gzip'd IDX files from the folder ``source`` (such as the shared
    ``data/fashion-mnist``) into the cache, after checking each parses, so that
    ``load_data`` works offline. Returns the cache folder."""
    source = os.fspath(source)
    os.makedirs(cache_dir(), exist_ok=True)
    for name in FILES:
        path = os.path.join(source, name)
        if not os.path.isfile(path):
            raise FileNotFoundError(f"{source} lacks the Fashion-MNIST file {name}.")
        _read_idx(path)
        target = os.path.join(cache_dir(), name)
        if os.path.abspath(path) != os.path.abspath(target):
            shutil.copyfile(path, target)
    return cache_dir()


def _read_idx(path) -> np.ndarray:
    """A gzip'd IDX file: labels (n,) or images (n, 28, 28), uint8; malformed files raise."""
    with gzip.open(path, "rb") as file:
        raw = file.read()
    magic = int.from_bytes(raw[:4], "big") if len(raw) >= 4 else -1
    if magic not in (_LABELS_MAGIC, _IMAGES_MAGIC):
        raise ValueError(f"{path} is not a uint8 IDX file (magic number {magic:#x}).")
    offset = 8 if magic == _LABELS_MAGIC else 16
    if len(raw) < offset:
        raise ValueError(f"{path} ends inside its IDX header.")
    dims = [int.from_bytes(raw[i : i + 4], "big") for i in range(4, offset, 4)]
    if magic == _IMAGES_MAGIC and dims[1:] != [28, 28]:
        raise ValueError(f"{path} holds images of {dims[1:]}, not 28×28.")
    count = int(np.prod(dims))
    if len(raw) - offset != count:
        raise ValueError(
            f"{path} should hold {count} bytes of data after its header "
            f"(shape {tuple(dims)}), but holds {len(raw) - offset}."
        )
    # A bytearray, so the arrays are writable (np.frombuffer over bytes is read-only).
    return np.frombuffer(bytearray(raw), np.uint8, offset=offset).reshape(dims)


def load_data():
    """Loads Fashion-MNIST: ``(x_train, y_train), (x_test, y_test)``.

    ``x_*`` are uint8 arrays ``(n, 28, 28)``, ``y_*`` uint8 labels 0–9 of shape ``(n,)``;
    60,000 training and 10,000 test images. The four files are looked for in
    ``$LAMINA_HOME/datasets/fashion-mnist`` and in Keras's ``~/.keras/datasets/fashion-mnist``,
    and downloaded only when neither has them.

    Example:

    ```python
    (x_train, y_train), (x_test, y_test) = lamina.datasets.fashion_mnist.load_data()
    assert x_train.shape == (60000, 28, 28)
    ```
    """
    paths = [fetch(name, ORIGIN_FOLDER + name, None, subdir=SUBDIR) for name in FILES]
    y_train, x_train, y_test, x_test = (_read_idx(path) for path in paths)
    for images, labels in ((x_train, y_train), (x_test, y_test)):
        if images.ndim != 3 or labels.ndim != 1 or len(images) != len(labels):
            raise ValueError(
                "The Fashion-MNIST files do not pair up: images of shape "
                f"{images.shape} with labels of shape {labels.shape}."
            )
    return (x_train, y_train), (x_test, y_test)


__all__ = ["load_data", "seed_cache_from"]
