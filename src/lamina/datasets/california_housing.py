"""California Housing: 20,640 census block groups, 8 features and the median house value."""

from __future__ import annotations

import numpy as np

from lamina.datasets._common import (
    ORIGIN_FOLDER,
    check_fname,
    check_test_split,
    fetch,
    shuffled_split,
)

ORIGIN = ORIGIN_FOLDER + "california_housing.npz"
FILE_HASH = "1a2e3a52e0398de6463aebe6f4a8da34fb21fbb6b934cf88c3425e766f2a1a6f"
SMALL_SIZE = 600


def load_data(version="large", path="california_housing.npz", test_split=0.2, seed=113):
    """Loads the California Housing regression set: ``(x_train, y_train), (x_test, y_test)``.

    The features are MedInc, HouseAge, AveRooms, AveBedrms, Population, AveOccup, Latitude
    and Longitude (1990 U.S. census); the target is the median house value in dollars.

    Args:
        version: ``"large"`` (all 20,640 samples) or ``"small"`` (the first 600, a stand-in
            for ``boston_housing``).
        path: the file's name in the cache (``$LAMINA_HOME/datasets``; Keras's
            ``~/.keras/datasets`` is searched too).
        test_split: fraction of the samples kept for testing, in ``[0, 1)``.
        seed: seed of the shuffle made before the split.

    Returns:
        ``x_*``: float arrays ``(n, 8)``; ``y_*``: float arrays ``(n,)``.
    """
    test_split = check_test_split(test_split)
    if version not in ("small", "large"):
        raise ValueError(
            f"`version` must be one of 'small', 'large'; received version={version!r}."
        )
    local = fetch(check_fname(path), ORIGIN, FILE_HASH)
    with np.load(local, allow_pickle=False) as data:
        x, y = data["x"], data["y"]
    if version == "small":
        x, y = x[:SMALL_SIZE], y[:SMALL_SIZE]
    return shuffled_split(x, y, test_split, seed)


__all__ = ["load_data"]
