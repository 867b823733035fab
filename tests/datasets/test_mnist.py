import hashlib
import os
import shutil
import urllib.request
from pathlib import Path

import numpy as np
import pytest

from lamina.datasets import mnist
from lamina.utils import file_utils

SHARED = "/work/shared/data/mnist.npz"
REPO_COPY = os.path.join(os.path.dirname(__file__), "..", "..", "data", "mnist.npz")
SOURCE = REPO_COPY if os.path.exists(REPO_COPY) else SHARED


@pytest.fixture
def home(tmp_path, monkeypatch):
    monkeypatch.setenv("LAMINA_HOME", str(tmp_path / "home"))
    monkeypatch.setattr(mnist, "_KERAS_CACHE", str(tmp_path / "keras-cache"))

    def offline(*args, **kwargs):
        raise urllib.error.URLError("network disabled in tests")

    monkeypatch.setattr(urllib.request, "urlopen", offline)
    return tmp_path


@pytest.mark.skipif(not os.path.exists(SOURCE), reason="no local copy of mnist.npz")
def test_load_from_seeded_cache(home):
    cached = mnist.seed_cache_from(SOURCE)
    assert cached == str(home / "home" / "datasets" / "mnist.npz")
    (x_train, y_train), (x_test, y_test) = mnist.load_data()
    assert x_train.shape == (60000, 28, 28)
    assert x_test.shape == (10000, 28, 28)
    assert y_train.shape == (60000,)
    assert y_test.shape == (10000,)
    assert {a.dtype for a in (x_train, y_train, x_test, y_test)} == {np.dtype("uint8")}
    train_counts = [5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949]
    assert np.bincount(y_train).tolist() == train_counts
    assert np.bincount(y_test).tolist() == [980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009]


@pytest.mark.skipif(not os.path.exists(SOURCE), reason="no local copy of mnist.npz")
def test_existing_keras_cache_is_reused(home):
    os.makedirs(home / "keras-cache")
    shutil.copyfile(SOURCE, home / "keras-cache" / "mnist.npz")
    (x_train, _), _ = mnist.load_data()
    assert x_train.shape == (60000, 28, 28)


def test_offline_message_names_the_cache(home):
    with pytest.raises(file_utils.DownloadError) as error:
        mnist.load_data()
    message = str(error.value)
    assert str(home / "home" / "datasets") in message
    assert "LAMINA_HOME" in message


def test_seeding_rejects_unknown_files(home):
    bogus = home / "mnist.npz"
    bogus.write_bytes(b"not mnist")
    with pytest.raises(ValueError, match="sha256"):
        mnist.seed_cache_from(bogus)


def test_get_file_checks_the_hash(tmp_path, monkeypatch):
    source = tmp_path / "payload.bin"
    source.write_bytes(b"payload")
    digest = hashlib.sha256(b"payload").hexdigest()
    monkeypatch.setenv("LAMINA_HOME", str(tmp_path / "home"))
    url = source.as_uri()  # file:// — no network
    path = file_utils.get_file("payload.bin", url, file_hash=("0" * 64, digest))
    assert Path(path).read_bytes() == b"payload"
    with pytest.raises(ValueError, match="tampered"):
        file_utils.get_file("other.bin", url, file_hash="f" * 64)
    assert not os.path.exists(tmp_path / "home" / "datasets" / "other.bin")
    # A cached file with a wrong hash is fetched again.
    cached = tmp_path / "home" / "datasets" / "payload.bin"
    cached.write_bytes(b"corrupted")
    file_utils.get_file("payload.bin", url, file_hash=digest)
    assert cached.read_bytes() == b"payload"
