import hashlib
import os

import numpy as np
import pytest

from lamina.datasets import boston_housing, california_housing
from tests.datasets.dataset_files import keras_datasets, lamina_datasets


def _install(folder, monkeypatch, module, fname, x, y):
    os.makedirs(folder, exist_ok=True)
    path = os.path.join(folder, fname)
    np.savez(path, x=x, y=y)
    with open(path, "rb") as file:
        monkeypatch.setattr(module, "FILE_HASH", hashlib.sha256(file.read()).hexdigest())


def _expected(x, y, test_split, seed):
    order = np.random.RandomState(seed).permutation(len(x))
    cut = int(len(x) * (1 - test_split))
    return (x[order[:cut]], y[order[:cut]]), (x[order[cut:]], y[order[cut:]])


@pytest.mark.parametrize(("test_split", "seed"), [(0.2, 113), (0.35, 4), (0.0, 1)])
def test_boston_housing(cache, monkeypatch, rng, test_split, seed):
    x, y = rng.normal(size=(30, 13)), rng.uniform(10, 50, 30)
    _install(lamina_datasets(cache), monkeypatch, boston_housing, "boston_housing.npz", x, y)
    result = boston_housing.load_data(test_split=test_split, seed=seed)
    for got, want in zip(result, _expected(x, y, test_split, seed)):
        np.testing.assert_array_equal(got[0], want[0])
        np.testing.assert_array_equal(got[1], want[1])
    (x_train, y_train), (x_test, _) = result
    assert x_train.dtype == np.float64
    assert y_train.shape == (len(x_train),)
    assert len(x_train) + len(x_test) == 30


@pytest.mark.parametrize("version", ["large", "small"])
def test_california_housing_from_the_keras_cache(cache, monkeypatch, rng, version):
    x, y = rng.normal(size=(640, 8)), rng.uniform(25_000, 500_000, 640)
    folder = keras_datasets(cache)
    _install(folder, monkeypatch, california_housing, "california_housing.npz", x, y)
    (x_train, y_train), (x_test, y_test) = california_housing.load_data(version=version)
    n = 600 if version == "small" else 640
    (wx_train, wy_train), (wx_test, wy_test) = _expected(x[:n], y[:n], 0.2, 113)
    assert x_train.shape == (int(n * 0.8), 8)
    assert x_test.shape == (n - int(n * 0.8), 8)
    np.testing.assert_array_equal(x_train, wx_train)
    np.testing.assert_array_equal(y_test, wy_test)


@pytest.mark.parametrize("module", [boston_housing, california_housing])
def test_arguments_are_checked(module):
    with pytest.raises(ValueError, match="test_split"):
        module.load_data(test_split=1.0)
    with pytest.raises(TypeError, match="test_split"):
        module.load_data(test_split="0.2")
    with pytest.raises(ValueError, match="path"):
        module.load_data(path=os.path.join("..", "x.npz"))


def test_california_version_is_checked():
    with pytest.raises(ValueError, match="version"):
        california_housing.load_data(version="medium")
