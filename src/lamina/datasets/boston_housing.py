"""Boston Housing: 506 samples of 13 house attributes and their median value (k$)."""

from __future__ import annotations

import numpy as np

from lamina.datasets._common import (
    ORIGIN_FOLDER,
    check_fname,
    check_test_split,
    fetch,
    shuffled_split,
)

ORIGIN = ORIGIN_FOLDER + "boston_housing.npz"
FILE_HASH = "f553886a1f8d56431e820c5b82552d9d95cfcb96d1e678153f8839538947dff5"


def load_data(path="boston_housing.npz", test_split=0.2, seed=113):
    """Loads the Boston Housing regression set: ``(x_train, y_train), (x_test, y_test)``.

    **Warning:** one of its 13 attributes ("B") encodes an assumption about race; the set is
    best used only to discuss such problems in data.

    Args:
        path: the file's name in the cache (``$LAMINA_HOME/datasets``; Keras's
            ``~/.keras/datasets`` is searched too).
        test_split: fraction of the samples kept for testing, in ``[0, 1)``.
        seed: seed of the shuffle made before the split.

    Returns:
        ``x_*``: float arrays ``(n, 13)``; ``y_*``: float arrays ``(n,)``, prices in k$
        (404 training and 102 test samples with the defaults).
    """
    test_split = check_test_split(test_split)
    local = fetch(check_fname(path), ORIGIN, FILE_HASH)
    with np.load(local, allow_pickle=False) as data:
        x, y = data["x"], data["y"]
    return shuffled_split(x, y, test_split, seed)


__all__ = ["load_data"]
