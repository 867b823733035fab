import gzip
import hashlib
import json
import os
import shutil

import numpy as np
import pytest

from lamina.datasets import fashion_mnist
from lamina.utils import file_utils
from tests.datasets.dataset_files import keras_datasets, lamina_datasets

SHARED = "/work/shared/data"
SOURCE = os.path.join(SHARED, "fashion-mnist")
needs_files = pytest.mark.skipif(
    not os.path.isdir(SOURCE), reason="no local copy of the Fashion-MNIST files"
)


def _check_real_arrays(arrays):
    (x_train, y_train), (x_test, y_test) = arrays
    assert x_train.shape == (60000, 28, 28)
    assert x_test.shape == (10000, 28, 28)
    assert y_train.shape == (60000,)
    assert y_test.shape == (10000,)
    assert {a.dtype for a in (x_train, y_train, x_test, y_test)} == {np.dtype("uint8")}
    assert np.bincount(y_train).tolist() == [6000] * 10
    assert np.bincount(y_test).tolist() == [1000] * 10
    with open(os.path.join(SHARED, "CONTENT_SHA256.json")) as file:
        expected = json.load(file)["fashion-mnist/"]
    named = {"x_train": x_train, "y_train": y_train, "x_test": x_test, "y_test": y_test}
    for name, array in named.items():
        digest = hashlib.sha256(np.ascontiguousarray(array).tobytes()).hexdigest()
        assert digest == expected[name]["sha256"], name


@needs_files
def test_real_files_from_the_seeded_cache(cache):
    folder = fashion_mnist.seed_cache_from(SOURCE)
    assert folder == lamina_datasets(cache, "fashion-mnist")
    assert sorted(os.listdir(folder)) == sorted(fashion_mnist.FILES)
    arrays = fashion_mnist.load_data()
    _check_real_arrays(arrays)
    arrays[0][0][0, 0, 0] = 1  # writable, unlike np.frombuffer over bytes


@needs_files
def test_real_files_from_the_keras_cache(cache):
    shutil.copytree(SOURCE, keras_datasets(cache, "fashion-mnist"))
    _check_real_arrays(fashion_mnist.load_data())


def test_offline_message_names_the_cache_folder(cache):
    with pytest.raises(file_utils.DownloadError, match="fashion-mnist"):
        fashion_mnist.load_data()


def _write_idx(path, magic, dims, payload):
    header = np.array([magic, *dims], dtype=">u4").tobytes()
    with gzip.open(path, "wb") as file:
        file.write(header + payload)


def test_small_files_and_malformed_ones(cache, rng):
    folder = lamina_datasets(cache, "fashion-mnist")
    os.makedirs(folder)
    images = rng.integers(0, 256, (5, 28, 28), dtype=np.uint8)
    labels = rng.integers(0, 10, 5, dtype=np.uint8)
    for prefix in ("train", "t10k"):
        _write_idx(f"{folder}/{prefix}-images-idx3-ubyte.gz", 0x803, (5, 28, 28), images.tobytes())
        _write_idx(f"{folder}/{prefix}-labels-idx1-ubyte.gz", 0x801, (5,), labels.tobytes())
    (x_train, y_train), (x_test, y_test) = fashion_mnist.load_data()
    np.testing.assert_array_equal(x_train, images)
    np.testing.assert_array_equal(y_test, labels)
    _write_idx(f"{folder}/t10k-labels-idx1-ubyte.gz", 0x801, (5,), labels[:4].tobytes())
    with pytest.raises(ValueError, match="should hold 5 bytes"):
        fashion_mnist.load_data()
    _write_idx(f"{folder}/t10k-labels-idx1-ubyte.gz", 0x803, (5, 2, 3, 4), labels.tobytes())
    with pytest.raises(ValueError, match="28"):
        fashion_mnist.load_data()
    _write_idx(f"{folder}/t10k-labels-idx1-ubyte.gz", 0x803, (5,), b"")
    with pytest.raises(ValueError, match="header"):
        fashion_mnist.load_data()
