"""IMDB: 50,000 movie reviews labelled by sentiment, each a sequence of word indexes."""

from __future__ import annotations

import json

import numpy as np

from lamina.datasets import _sequences as seqs
from lamina.datasets._common import ORIGIN_FOLDER, check_fname, fetch
from lamina.datasets._safe_pickle import load_npz

ORIGIN = ORIGIN_FOLDER + "imdb.npz"
FILE_HASH = "69664113be75683a8fe16e3ed0ab59fda8886cb3cd7ada244f7d9544e4676b9f"
WORD_INDEX_ORIGIN = ORIGIN_FOLDER + "imdb_word_index.json"
WORD_INDEX_HASH = "bfafd718b763782e994055a2d397834f"  # md5, as Keras gives it


def load_data(
    path="imdb.npz",
    num_words=None,
    skip_top=0,
    maxlen=None,
    seed=113,
    start_char=1,
    oov_char=2,
    index_from=3,
    **kwargs,
):
    """Loads the IMDB sentiment set: ``(x_train, y_train), (x_test, y_test)``.

    Words are indexed by how often they occur (1 is the most frequent); 0 is left for
    padding. Each split is shuffled with ``np.random.RandomState(seed)``, as in Keras, so
    the same arguments give Keras's exact arrays.

    Args:
        path: the file's name in the cache (``$LAMINA_HOME/datasets``; Keras's
            ``~/.keras/datasets`` is searched too).
        num_words: keep the ``num_words`` most frequent words (indexes below it, after the
            ``index_from`` shift); others become ``oov_char``. None keeps all.
        skip_top: indexes below this also become ``oov_char``.
        maxlen: drop every sequence whose length (start mark included) is ``maxlen`` or
            more. None keeps all.
        seed: seed of the shuffle.
        start_char: put in front of every sequence; None puts nothing.
        oov_char: what left-out words become; None drops them instead.
        index_from: added to every word index (keeping 0, 1, 2 for padding, start, OOV).

    Returns:
        ``x_*``: 1-D object arrays of lists of ints; ``y_*``: integer arrays of 0/1 labels
        (25,000 of each split before any ``maxlen`` filter).
    """
    if kwargs:
        raise TypeError(f"imdb.load_data got unexpected keyword arguments {sorted(kwargs)}.")
    seqs.check_arguments(num_words, skip_top, maxlen, seed, start_char, oov_char, index_from)
    local = fetch(check_fname(path), ORIGIN, FILE_HASH)
    data = load_npz(local)
    for names in (("x_train", "y_train"), ("x_test", "y_test")):
        if any(name not in data for name in names):
            raise ValueError(f"{local} lacks the arrays {list(names)}.")
        seqs.check_loaded(local, data[names[0]], data[names[1]], names)
    rng = np.random.RandomState(seed)
    x_train, y_train = seqs.shuffle(rng, data["x_train"], data["y_train"])
    x_test, y_test = seqs.shuffle(rng, data["x_test"], data["y_test"])
    x_train = seqs.shift(x_train, start_char, index_from)
    x_test = seqs.shift(x_test, start_char, index_from)
    if maxlen:
        x_train, y_train = seqs.drop_long(maxlen, x_train, y_train)
        x_test, y_test = seqs.drop_long(maxlen, x_test, y_test)
        if not x_train or not x_test:
            raise ValueError(
                f"No sequence is shorter than maxlen={maxlen} in one of the splits: "
                "increase `maxlen`."
            )
    words = seqs.limit_vocabulary(x_train + x_test, num_words, skip_top, oov_char)
    cut = len(x_train)
    return (
        (seqs.object_array(words[:cut]), y_train),
        (seqs.object_array(words[cut:]), y_test),
    )


def get_word_index(path="imdb_word_index.json"):
    """The dict mapping each word to its index in the IMDB data (before the ``index_from``
    shift: the word with index ``i`` appears as ``i + index_from`` in ``load_data``)."""
    local = fetch(check_fname(path), WORD_INDEX_ORIGIN, WORD_INDEX_HASH)
    with open(local, encoding="utf-8") as file:
        return json.load(file)


__all__ = ["get_word_index", "load_data"]
