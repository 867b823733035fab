import hashlib
import os

import numpy as np
import pytest

from lamina import backend
from lamina.datasets import cifar10, cifar100
from lamina.datasets._safe_pickle import UnsafePickleError
from tests.datasets.dataset_files import (
    cifar_batch,
    keras_datasets,
    lamina_datasets,
    py2_pickle,
    write_tar,
)


def _serve(monkeypatch, module, archive):
    """Makes ``module`` download ``archive`` (a file:// URL) and expect its sha256."""
    with open(archive, "rb") as file:
        monkeypatch.setattr(module, "FILE_HASH", hashlib.sha256(file.read()).hexdigest())
    monkeypatch.setattr(module, "ORIGIN", archive.as_uri())


@pytest.fixture
def cifar10_files(cache, rng):
    batches = {f"data_batch_{i}": cifar_batch(rng, 3) for i in range(1, 6)}
    batches["test_batch"] = cifar_batch(rng, 2)
    members = {f"cifar-10-batches-py/{name}": py2_pickle(b) for name, b in batches.items()}
    members["cifar-10-batches-py/batches.meta"] = py2_pickle({"label_names": ["a"] * 10})
    members["cifar-10-batches-py/readme.html"] = b"<html></html>"
    write_tar(cache / "cifar-10-python.tar.gz", members)
    return batches


def _images(batches, names):
    data = np.concatenate([batches[name]["data"] for name in names])
    return data.reshape(-1, 3, 32, 32).transpose(0, 2, 3, 1)


def test_cifar10_downloads_unpacks_and_loads(cache, cifar10_files, monkeypatch):
    _serve(monkeypatch, cifar10, cache / "cifar-10-python.tar.gz")
    (x_train, y_train), (x_test, y_test) = cifar10.load_data()
    train_names = [f"data_batch_{i}" for i in range(1, 6)]
    assert x_train.shape == (15, 32, 32, 3)
    assert x_test.shape == (2, 32, 32, 3)
    assert y_train.shape == (15, 1)
    assert y_test.shape == (2, 1)
    assert {a.dtype for a in (x_train, y_train, x_test, y_test)} == {np.dtype("uint8")}
    np.testing.assert_array_equal(x_train, _images(cifar10_files, train_names))
    np.testing.assert_array_equal(x_test, _images(cifar10_files, ["test_batch"]))
    labels = sum((cifar10_files[name]["labels"] for name in train_names), [])
    np.testing.assert_array_equal(y_train[:, 0], labels)
    # Keras's cache layout; only the known files were unpacked.
    assert os.path.isfile(lamina_datasets(cache, "cifar-10-batches-py-target_archive"))
    folder = lamina_datasets(cache, "cifar-10-batches-py-target", "cifar-10-batches-py")
    assert sorted(os.listdir(folder)) == sorted([*train_names, "test_batch", "batches.meta"])
    # Once unpacked, the archive is not needed again.
    os.remove(lamina_datasets(cache, "cifar-10-batches-py-target_archive"))
    np.testing.assert_array_equal(cifar10.load_data()[0][0], x_train)


def test_cifar10_channels_first(cache, cifar10_files, monkeypatch):
    _serve(monkeypatch, cifar10, cache / "cifar-10-python.tar.gz")
    backend.set_image_data_format("channels_first")
    try:
        (x_train, _), (x_test, _) = cifar10.load_data()
    finally:
        backend.set_image_data_format("channels_last")
    assert x_train.shape == (15, 3, 32, 32)
    assert x_test.shape == (2, 3, 32, 32)
    np.testing.assert_array_equal(x_test.reshape(2, -1), cifar10_files["test_batch"]["data"])


def test_cifar10_reads_an_unpacked_keras_cache(cache, cifar10_files, monkeypatch):
    monkeypatch.setattr(cifar10, "FILE_HASH", "0" * 64)  # no archive is looked at
    folder = keras_datasets(cache, "cifar-10-batches-py-target", "cifar-10-batches-py")
    os.makedirs(folder)
    for name, batch in cifar10_files.items():
        with open(os.path.join(folder, name), "wb") as file:
            file.write(py2_pickle(batch))
    (x_train, _), _ = cifar10.load_data()
    assert x_train.shape == (15, 32, 32, 3)


@pytest.mark.parametrize(("label_mode", "classes"), [("fine", 100), ("coarse", 20)])
def test_cifar100(cache, rng, monkeypatch, label_mode, classes):
    keys = ("fine_labels", "coarse_labels")
    train, test = cifar_batch(rng, 4, keys, classes), cifar_batch(rng, 3, keys, classes)
    write_tar(
        cache / "cifar-100.tar.gz",
        {"cifar-100-python/train": py2_pickle(train), "cifar-100-python/test": py2_pickle(test),
         "cifar-100-python/meta": py2_pickle({"fine_label_names": ["x"] * 100})},
    )  # fmt: skip
    _serve(monkeypatch, cifar100, cache / "cifar-100.tar.gz")
    (x_train, y_train), (x_test, y_test) = cifar100.load_data(label_mode=label_mode)
    assert x_train.shape == (4, 32, 32, 3)
    assert x_test.shape == (3, 32, 32, 3)
    assert x_train.dtype == np.uint8
    assert y_train.dtype == np.int64
    assert y_train.shape == (4, 1)
    assert y_test.shape == (3, 1)
    np.testing.assert_array_equal(y_test[:, 0], test[f"{label_mode}_labels"])
    np.testing.assert_array_equal(x_train.transpose(0, 3, 1, 2).reshape(4, -1), train["data"])
    folder = lamina_datasets(cache, "cifar-100-python-target", "cifar-100-python")
    assert sorted(os.listdir(folder)) == ["meta", "test", "train"]


def test_cifar100_label_mode_is_checked():
    with pytest.raises(ValueError, match="label_mode"):
        cifar100.load_data(label_mode="medium")


def test_hostile_batch_is_refused_without_running(cache, cifar10_files, monkeypatch):
    marker = cache / "ran"

    class Payload:
        def __reduce__(self):
            return (exec, (f"open({str(marker)!r}, 'w').close()",))

    folder = lamina_datasets(cache, "cifar-10-batches-py-target", "cifar-10-batches-py")
    os.makedirs(folder)
    for name, batch in cifar10_files.items():
        with open(os.path.join(folder, name), "wb") as file:
            file.write(py2_pickle({**batch, "data": Payload()} if name == "test_batch" else batch))
    with pytest.raises(UnsafePickleError, match="exec"):
        cifar10.load_data()
    assert not marker.exists()


def test_links_in_the_archive_are_refused_and_nothing_escapes(cache, rng, monkeypatch):
    batch = py2_pickle(cifar_batch(rng, 1))
    members = {f"cifar-10-batches-py/data_batch_{i}": batch for i in range(1, 6)}
    members["../escaped"] = b"outside"
    members["/tmp/absolute-escape-lamina-test"] = b"outside"
    members["cifar-10-batches-py/test_batch"] = ("symlink", "/etc/passwd")
    write_tar(cache / "bad.tar.gz", members)
    _serve(monkeypatch, cifar10, cache / "bad.tar.gz")
    with pytest.raises(ValueError, match="not a regular file"):
        cifar10.load_data()
    datasets = lamina_datasets(cache)
    assert not os.path.exists(os.path.join(datasets, "..", "escaped"))
    assert not os.path.exists(os.path.join(datasets, "escaped"))
    assert not os.path.exists("/tmp/absolute-escape-lamina-test")
    folder = os.path.join(datasets, "cifar-10-batches-py-target", "cifar-10-batches-py")
    assert not os.path.islink(os.path.join(folder, "test_batch"))


def test_archive_hash_is_checked(cache, cifar10_files, monkeypatch):
    _serve(monkeypatch, cifar10, cache / "cifar-10-python.tar.gz")
    monkeypatch.setattr(cifar10, "FILE_HASH", "f" * 64)
    with pytest.raises(ValueError, match="sha256"):
        cifar10.load_data()
    assert not os.path.exists(lamina_datasets(cache, "cifar-10-batches-py-target_archive"))
