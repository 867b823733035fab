import hashlib
import json
import os

import numpy as np
import pytest

from lamina.datasets import imdb, reuters
from tests.datasets.dataset_files import lamina_datasets, sequences


def _install(cache, monkeypatch, module, fname, **arrays):
    """Writes ``arrays`` as the module's .npz in the Lamina cache and makes it the expected
    file (its sha256)."""
    path = lamina_datasets(cache, fname)
    os.makedirs(lamina_datasets(cache), exist_ok=True)
    np.savez(path, **arrays)  # object arrays are pickled, as in Keras's files
    with open(path, "rb") as file:
        monkeypatch.setattr(module, "FILE_HASH", hashlib.sha256(file.read()).hexdigest())


def _reference(groups, seed, num_words, skip_top, maxlen, start_char, oov_char, index_from):
    """Keras 3.15's documented steps, spelled out plainly for the test."""
    rng = np.random.RandomState(seed)
    out = []
    for xs, ys in groups:
        order = np.arange(len(xs))
        rng.shuffle(order)
        xs = [list(xs[i]) for i in order]
        ys = [ys[i] for i in order]
        xs = [([start_char] if start_char is not None else []) + [w + index_from for w in x]
              for x in xs]  # fmt: skip
        if maxlen:
            kept = [(x, y) for x, y in zip(xs, ys) if len(x) < maxlen]
            xs, ys = [x for x, _ in kept], [y for _, y in kept]
        out.append((xs, ys))
    everything = [x for xs, _ in out for x in xs]
    limit = num_words or max(max(x) for x in everything)
    keep = lambda w: skip_top <= w < limit  # noqa: E731
    final = []
    for xs, ys in out:
        if oov_char is None:
            xs = [[w for w in x if keep(w)] for x in xs]
        else:
            xs = [[w if keep(w) else oov_char for w in x] for x in xs]
        final.append((xs, ys))
    return final


def _as_lists(array):
    assert array.dtype == object
    assert array.ndim == 1
    return [list(x) for x in array]


@pytest.fixture
def imdb_file(cache, monkeypatch, rng):
    arrays = {
        "x_train": sequences(rng, 12, 40, 9),
        "y_train": rng.integers(0, 2, 12),
        "x_test": sequences(rng, 8, 40, 9),
        "y_test": rng.integers(0, 2, 8),
    }
    _install(cache, monkeypatch, imdb, "imdb.npz", **arrays)
    return arrays


ARGUMENT_CASES = [
    {},
    {"num_words": 20, "skip_top": 5, "maxlen": 8, "seed": 7},
    {"start_char": None, "oov_char": None, "index_from": 0, "seed": 3},
    {"num_words": 15, "oov_char": None, "index_from": 2, "start_char": 0},
]


@pytest.mark.parametrize("kwargs", ARGUMENT_CASES)
def test_imdb_matches_keras_steps(imdb_file, kwargs):
    args = {
        "num_words": None,
        "skip_top": 0,
        "maxlen": None,
        "seed": 113,
        "start_char": 1,
        "oov_char": 2,
        "index_from": 3,
    } | kwargs
    (x_train, y_train), (x_test, y_test) = imdb.load_data(**kwargs)
    groups = [(imdb_file["x_train"], imdb_file["y_train"]),
              (imdb_file["x_test"], imdb_file["y_test"])]  # fmt: skip
    (rx_train, ry_train), (rx_test, ry_test) = _reference(groups, **args)
    assert _as_lists(x_train) == rx_train
    assert _as_lists(x_test) == rx_test
    np.testing.assert_array_equal(y_train, ry_train)
    np.testing.assert_array_equal(y_test, ry_test)
    assert y_train.dtype == imdb_file["y_train"].dtype


def test_imdb_by_hand(cache, monkeypatch):
    x = np.empty(3, dtype=object)
    x[0], x[1], x[2] = [1, 2], [3], [4, 5, 6]
    _install(cache, monkeypatch, imdb, "imdb.npz", x_train=x, y_train=np.array([0, 1, 0]),
             x_test=x[1:2], y_test=np.array([1]))  # fmt: skip
    (x_train, y_train), (x_test, _) = imdb.load_data(seed=0)
    order = np.random.RandomState(0).permutation(3)
    shifted = [[1, 4, 5], [1, 6], [1, 7, 8, 2]]  # 9, the largest index, falls outside
    assert _as_lists(x_train) == [shifted[i] for i in order]
    np.testing.assert_array_equal(y_train, np.array([0, 1, 0])[order])
    assert _as_lists(x_test) == [[1, 6]]
    # maxlen keeps only [1, 6]; of it, num_words=6 and skip_top=2 keep no word.
    (x_train, y_train), (x_test, _) = imdb.load_data(maxlen=3, num_words=6, skip_top=2)
    assert _as_lists(x_train) == [[2, 2]]
    assert _as_lists(x_test) == [[2, 2]]
    assert y_train.tolist() == [1]
    (x_train, _), _ = imdb.load_data(maxlen=3, num_words=7, skip_top=2, oov_char=None)
    assert _as_lists(x_train) == [[6]]


def test_imdb_arguments_are_checked(imdb_file):
    with pytest.raises(ValueError, match="maxlen"):
        imdb.load_data(maxlen=1)
    with pytest.raises(TypeError, match="num_words"):
        imdb.load_data(num_words="10")
    with pytest.raises(TypeError, match="nb_words"):
        imdb.load_data(nb_words=10)
    with pytest.raises(ValueError, match="path"):
        imdb.load_data(path="../imdb.npz")


def test_imdb_hash_is_checked(imdb_file, monkeypatch):
    from lamina.utils.file_utils import DownloadError

    monkeypatch.setattr(imdb, "FILE_HASH", "0" * 64)  # the cached file no longer matches
    with pytest.raises(DownloadError):
        imdb.load_data()


@pytest.fixture
def reuters_file(cache, monkeypatch, rng):
    arrays = {"x": sequences(rng, 15, 60, 10), "y": rng.integers(0, 46, 15)}
    _install(cache, monkeypatch, reuters, "reuters.npz", **arrays)
    return arrays


@pytest.mark.parametrize("kwargs", [*ARGUMENT_CASES[:2], {"test_split": 0.5, "maxlen": 6}])
def test_reuters_matches_keras_steps(reuters_file, kwargs):
    kwargs = dict(kwargs)
    test_split = kwargs.pop("test_split", 0.2)
    args = {
        "num_words": None,
        "skip_top": 0,
        "maxlen": None,
        "seed": 113,
        "start_char": 1,
        "oov_char": 2,
        "index_from": 3,
    } | kwargs
    (x_train, y_train), (x_test, y_test) = reuters.load_data(test_split=test_split, **kwargs)
    [(xs, ys)] = _reference([(reuters_file["x"], reuters_file["y"])], **args)
    cut = int(len(xs) * (1 - test_split))
    assert _as_lists(x_train) == xs[:cut]
    assert _as_lists(x_test) == xs[cut:]
    np.testing.assert_array_equal(y_train, ys[:cut])
    np.testing.assert_array_equal(y_test, ys[cut:])


def test_reuters_arguments_and_labels(reuters_file):
    with pytest.raises(ValueError, match="test_split"):
        reuters.load_data(test_split=1.5)
    names = reuters.get_label_names()
    assert len(names) == 46
    assert names[:3] == ("cocoa", "grain", "veg-oil")
    assert names[-1] == "lead"


@pytest.mark.parametrize(
    ("module", "fname"), [(imdb, "imdb_word_index.json"), (reuters, "reuters_word_index.json")]
)
def test_word_index_checks_its_md5(cache, monkeypatch, module, fname):
    payload = json.dumps({"the": 1, "and": 2}).encode()
    os.makedirs(lamina_datasets(cache), exist_ok=True)
    with open(lamina_datasets(cache, fname), "wb") as file:
        file.write(payload)
    monkeypatch.setattr(module, "WORD_INDEX_HASH", hashlib.md5(payload).hexdigest())
    assert module.get_word_index() == {"the": 1, "and": 2}
    monkeypatch.setattr(module, "WORD_INDEX_HASH", "0" * 32)
    with pytest.raises(ValueError, match="md5"):
        module.get_word_index()
