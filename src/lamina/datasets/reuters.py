"""Reuters newswires: 11,228 articles over 46 topics, each a sequence of word indexes."""

from __future__ import annotations

import json

import numpy as np

from lamina.datasets import _sequences as seqs
from lamina.datasets._common import ORIGIN_FOLDER, check_fname, check_test_split, fetch
from lamina.datasets._safe_pickle import load_npz

ORIGIN = ORIGIN_FOLDER + "reuters.npz"
FILE_HASH = "d6586e694ee56d7a4e65172e12b3e987c03096cb01eab99753921ef915959916"
WORD_INDEX_ORIGIN = ORIGIN_FOLDER + "reuters_word_index.json"
WORD_INDEX_HASH = "4d44cc38712099c9e383dc6e5f11a921"  # md5, as Keras gives it
LABEL_NAMES = (
    "cocoa", "grain", "veg-oil", "earn", "acq", "wheat", "copper", "housing",
    "money-supply", "coffee", "sugar", "trade", "reserves", "ship", "cotton", "carcass",
    "crude", "nat-gas", "cpi", "money-fx", "interest", "gnp", "meal-feed", "alum",
    "oilseed", "gold", "tin", "strategic-metal", "livestock", "retail", "ipi",
    "iron-steel", "rubber", "heat", "jobs", "lei", "bop", "zinc", "orange", "pet-chem",
    "dlr", "gas", "silver", "wpi", "hog", "lead",
)  # fmt: skip


def load_data(
    path="reuters.npz",
    num_words=None,
    skip_top=0,
    maxlen=None,
    test_split=0.2,
    seed=113,
    start_char=1,
    oov_char=2,
    index_from=3,
):
    """Loads the Reuters topic set: ``(x_train, y_train), (x_test, y_test)``.

    All newswires are shuffled with ``np.random.RandomState(seed)`` (as Keras does), filtered
    and encoded, then the first ``int(n * (1 - test_split))`` become the training split.
    ``num_words``, ``skip_top``, ``maxlen``, ``start_char``, ``oov_char`` and
    ``index_from`` work as in ``imdb.load_data``.

    Args:
        test_split: fraction of the newswires kept for testing, in ``[0, 1]``.

    Returns:
        ``x_*``: 1-D object arrays of lists of ints; ``y_*``: integer topic labels 0–45
        (names from ``get_label_names()``).
    """
    seqs.check_arguments(num_words, skip_top, maxlen, seed, start_char, oov_char, index_from)
    test_split = check_test_split(test_split, allow_one=True)
    local = fetch(check_fname(path), ORIGIN, FILE_HASH)
    data = load_npz(local)
    if "x" not in data or "y" not in data:
        raise ValueError(f"{local} lacks the arrays ['x', 'y'].")
    seqs.check_loaded(local, data["x"], data["y"], ("x", "y"))
    xs, labels = seqs.shuffle(np.random.RandomState(seed), data["x"], data["y"])
    xs = seqs.shift(xs, start_char, index_from)
    if maxlen:
        xs, labels = seqs.drop_long(maxlen, xs, labels)
    xs = seqs.limit_vocabulary(xs, num_words, skip_top, oov_char)
    cut = int(len(xs) * (1 - test_split))
    return (
        (seqs.object_array(xs[:cut]), np.array(labels[:cut])),
        (seqs.object_array(xs[cut:]), np.array(labels[cut:])),
    )


def get_word_index(path="reuters_word_index.json"):
    """The dict mapping each word to its index in the Reuters data (before the
    ``index_from`` shift: index ``i`` appears as ``i + index_from`` in ``load_data``)."""
    local = fetch(check_fname(path), WORD_INDEX_ORIGIN, WORD_INDEX_HASH)
    with open(local, encoding="utf-8") as file:
        return json.load(file)


def get_label_names():
    """The 46 topic names, in label order (label ``i`` is ``get_label_names()[i]``)."""
    return LABEL_NAMES


__all__ = ["get_label_names", "get_word_index", "load_data"]
