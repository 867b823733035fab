"""What IMDB and Reuters share: their word-index sequences, shifted, cut and filtered as
Keras does it."""

from __future__ import annotations

import numpy as np


def check_int(name, value, *, allow_none=False, minimum=None):
    if value is None and allow_none:
        return
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        kind = "an integer or None" if allow_none else "an integer"
        raise TypeError(f"`{name}` must be {kind}; received {name}={value!r}.")
    if minimum is not None and value < minimum:
        raise ValueError(f"`{name}` must be >= {minimum}; received {name}={value}.")


def check_arguments(num_words, skip_top, maxlen, seed, start_char, oov_char, index_from):
    check_int("num_words", num_words, allow_none=True, minimum=0)
    check_int("skip_top", skip_top, minimum=0)
    check_int("maxlen", maxlen, allow_none=True, minimum=0)
    check_int("seed", seed, allow_none=True)
    check_int("start_char", start_char, allow_none=True)
    check_int("oov_char", oov_char, allow_none=True)
    check_int("index_from", index_from, minimum=0)


def shuffle(rng, sequences, labels):
    """One ``rng`` permutation applied to both (``RandomState.shuffle`` of an index range)."""
    indices = np.arange(len(sequences))
    rng.shuffle(indices)
    return sequences[indices], labels[indices]


def shift(sequences, start_char, index_from):
    """Adds ``index_from`` to every word and puts ``start_char`` (when not None) in front."""
    head = [] if start_char is None else [int(start_char)]
    return [head + [int(word) + index_from for word in _words(seq)] for seq in sequences]


def _words(seq):
    return seq.tolist() if isinstance(seq, np.ndarray) else seq


def drop_long(maxlen, sequences, labels):
    """Keeps the sequences strictly shorter than ``maxlen``, as Keras does."""
    keep = [i for i, seq in enumerate(sequences) if len(seq) < maxlen]
    return [sequences[i] for i in keep], labels[np.asarray(keep, dtype=np.intp)]


def limit_vocabulary(sequences, num_words, skip_top, oov_char):
    """Words outside ``[skip_top, num_words)`` become ``oov_char``, or are dropped when it
    is None. Without ``num_words`` the bound is the largest index present (so, as in Keras,
    that one word itself falls outside it)."""
    if not num_words:
        num_words = max((max(seq) for seq in sequences if seq), default=0)
    if oov_char is not None:
        return [[w if skip_top <= w < num_words else oov_char for w in seq] for seq in sequences]
    return [[w for w in seq if skip_top <= w < num_words] for seq in sequences]


def object_array(sequences) -> np.ndarray:
    """A 1-D object array of lists (``np.array(..., dtype=object)`` would make a 2-D array
    when all sequences happen to have the same length)."""
    array = np.empty(len(sequences), dtype=object)
    for i, seq in enumerate(sequences):
        array[i] = seq
    return array


def check_loaded(path, sequences, labels, names):
    if not isinstance(sequences, np.ndarray) or sequences.ndim != 1:
        raise ValueError(f"{path}: {names[0]!r} should be a 1-D array of sequences.")
    if not isinstance(labels, np.ndarray) or labels.shape != (len(sequences),):
        raise ValueError(
            f"{path}: {names[1]!r} should hold one label per sequence ({len(sequences)})."
        )
