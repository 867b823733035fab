"""Hostile HDF5 weights files: each one reaches outside itself (or lies about its size) to pull
another file's bytes into a model. Every class is refused, alone as a ``.weights.h5`` and
inside a ``.keras`` archive, naming the dataset and the reason; the secret's bytes end up
nowhere in the model."""

import os
import zipfile

import h5py
import numpy as np
import pytest

import lamina
from lamina import layers
from lamina.saving.errors import SavedFileError, UnsafeFileError

KERNEL = "layers/dense/vars/0"  # the first Dense layer's kernel: (4, 3) float32, 48 bytes
SECRET = b"TOKEN=sk-live-0123456789abcdefghijklmnopqrstuvwxyz!!"[:48]


def make_model():
    model = lamina.Sequential([lamina.Input((4,)), layers.Dense(3), layers.Dense(2)])
    model.build((None, 4))
    rng = np.random.default_rng(3)
    model.set_weights([rng.standard_normal(w.shape).astype("float32") for w in model.get_weights()])
    return model


@pytest.fixture
def secret(tmp_path):
    path = tmp_path / "secret.txt"
    path.write_bytes(SECRET)
    return str(path)


@pytest.fixture
def secret_h5(tmp_path, secret):
    """Another HDF5 file holding the secret as a (4, 3) float32 dataset and a `vars` group."""
    path = str(tmp_path / "other.h5")
    values = np.frombuffer(SECRET, dtype="float32").reshape(4, 3)
    with h5py.File(path, "w") as other:
        other.create_dataset("secret", data=values)
        group = other.create_group("vars")
        group.create_dataset("0", data=values)
        group.create_dataset("1", data=np.frombuffer(SECRET[:12], dtype="float32"))
    return path


def _replace_kernel(h5_file, make):
    group = h5_file["layers/dense/vars"]
    del group["0"]
    make(group)


def external_raw_storage(h5_file, secret, secret_h5):
    _replace_kernel(
        h5_file,
        lambda group: group.create_dataset(
            "0", shape=(4, 3), dtype="float32", external=[(secret, 0, h5py.h5f.UNLIMITED)]
        ),
    )
    return KERNEL, "external raw files"


def external_link_to_dataset(h5_file, secret, secret_h5):
    _replace_kernel(
        h5_file, lambda group: group.__setitem__("0", h5py.ExternalLink(secret_h5, "/secret"))
    )
    return KERNEL, "external link"


def external_link_to_group(h5_file, secret, secret_h5):
    del h5_file["layers/dense/vars"]
    h5_file["layers/dense/vars"] = h5py.ExternalLink(secret_h5, "/vars")
    return "layers/dense/vars", "external link"


def virtual_dataset(h5_file, secret, secret_h5):
    layout = h5py.VirtualLayout(shape=(4, 3), dtype="float32")
    layout[:] = h5py.VirtualSource(secret_h5, "secret", shape=(4, 3))
    _replace_kernel(h5_file, lambda group: group.create_virtual_dataset("0", layout))
    return KERNEL, "virtual dataset"


def soft_link_loop(h5_file, secret, secret_h5):
    h5_file["layers/dense/loop"] = h5py.SoftLink("/layers/dense/loop")
    return "layers/dense/loop", "soft link"


def soft_link_out_of_tree(h5_file, secret, secret_h5):
    _replace_kernel(h5_file, lambda group: group.__setitem__("0", h5py.SoftLink("/elsewhere/0")))
    return KERNEL, "soft link"


def hard_link_alias(h5_file, secret, secret_h5):
    h5_file["layers/dense_1/vars/alias"] = h5_file["layers/dense_1"]  # a loop back up the tree
    return "layers/dense_1/vars/alias", "reached twice"


def unknown_filter(h5_file, secret, secret_h5):
    values = np.ones((4, 3), "float32")
    _replace_kernel(
        h5_file,
        lambda group: group.create_dataset(
            "0", data=values, chunks=(2, 3), compression=307, allow_unknown_filter=True
        ),
    )
    return KERNEL, "filter 307"


def size_lie_unallocated(h5_file, secret, secret_h5):
    """Declared (4, 3) float32, but no bytes stored: a read would return fill values."""

    def make(group):
        space = h5py.h5s.create_simple((4, 3))
        plist = h5py.h5p.create(h5py.h5p.DATASET_CREATE)
        plist.set_alloc_time(h5py.h5d.ALLOC_TIME_LATE)
        h5py.h5d.create(group.id, b"0", h5py.h5t.IEEE_F32LE, space, dcpl=plist)

    _replace_kernel(h5_file, make)
    return KERNEL, "declares 48 bytes"


def size_lie_missing_chunks(h5_file, secret, secret_h5):
    def make(group):
        dataset = group.create_dataset("0", shape=(4, 3), dtype="float32", chunks=(1, 3))
        dataset[0] = np.ones(3, "float32")  # one chunk of four written

    _replace_kernel(h5_file, make)
    return KERNEL, "declares 4 chunks"


def string_data(h5_file, secret, secret_h5):
    _replace_kernel(
        h5_file, lambda group: group.create_dataset("0", data=np.array([b"abc"] * 12).reshape(4, 3))
    )
    return KERNEL, "non-numeric"


HOSTILE = [
    external_raw_storage,
    external_link_to_dataset,
    external_link_to_group,
    virtual_dataset,
    soft_link_loop,
    soft_link_out_of_tree,
    hard_link_alias,
    unknown_filter,
    size_lie_unallocated,
    size_lie_missing_chunks,
    string_data,
]


def hostile_weights(tmp_path, make_hostile, secret, secret_h5):
    path = str(tmp_path / "hostile.weights.h5")
    make_model().save_weights(path)
    with h5py.File(path, "a") as h5_file:
        where, reason = make_hostile(h5_file, secret, secret_h5)
    return path, where, reason


def hostile_archive(tmp_path, weights_path):
    """A valid .keras archive whose model.weights.h5 member is the hostile file."""
    valid = str(tmp_path / "valid.keras")
    make_model().save(valid)
    path = str(tmp_path / "hostile.keras")
    with zipfile.ZipFile(valid) as source, zipfile.ZipFile(path, "w") as target:
        for info in source.infolist():
            if info.filename == "model.weights.h5":
                target.write(weights_path, "model.weights.h5")
            else:
                target.writestr(info, source.read(info))
    return path


def assert_untouched(model, before):
    after = model.get_weights()
    for old, new in zip(before, after):
        np.testing.assert_array_equal(old, new)
        assert SECRET[:8] not in np.asarray(new).tobytes()


@pytest.mark.parametrize("make_hostile", HOSTILE, ids=lambda f: f.__name__)
def test_hostile_weights_file_is_refused(tmp_path, secret, secret_h5, make_hostile):
    path, where, reason = hostile_weights(tmp_path, make_hostile, secret, secret_h5)
    model = make_model()
    before = model.get_weights()
    with pytest.raises(UnsafeFileError) as raised:
        model.load_weights(path)
    assert where in str(raised.value)
    assert reason in str(raised.value)
    assert_untouched(model, before)


@pytest.mark.parametrize("make_hostile", HOSTILE, ids=lambda f: f.__name__)
def test_hostile_weights_inside_a_keras_archive_are_refused(
    tmp_path, secret, secret_h5, make_hostile
):
    weights, where, reason = hostile_weights(tmp_path, make_hostile, secret, secret_h5)
    archive = hostile_archive(tmp_path, weights)
    with pytest.raises(UnsafeFileError) as raised:
        lamina.saving.load_model(archive)
    assert where in str(raised.value)
    assert reason in str(raised.value)
    model = make_model()
    before = model.get_weights()
    with pytest.raises(UnsafeFileError):
        model.load_weights(archive)  # load_weights reads a .keras archive's weights too
    assert_untouched(model, before)


def test_allowed_storage_kinds_load(tmp_path, rng):
    """Compressed, chunked, shuffled and checksummed datasets are ordinary HDF5: they load."""
    model = make_model()
    path = str(tmp_path / "chunked.weights.h5")
    model.save_weights(path)
    expected = model.get_weights()
    with h5py.File(path, "a") as h5_file:
        for name, options in (
            ("layers/dense/vars/0", {"compression": "gzip", "shuffle": True, "fletcher32": True}),
            ("layers/dense_1/vars/0", {"compression": "lzf", "chunks": (1, 2)}),
        ):
            values = h5_file[name][()]
            del h5_file[name]
            h5_file.create_dataset(name, data=values, **options)
    other = make_model()
    other.set_weights([rng.standard_normal(w.shape).astype("float32") for w in expected])
    other.load_weights(path)
    for want, got in zip(expected, other.get_weights()):
        np.testing.assert_array_equal(want, got)


def test_truncated_and_non_hdf5_files(tmp_path):
    model = make_model()
    path = str(tmp_path / "m.weights.h5")
    model.save_weights(path)
    with open(path, "rb") as file:
        data = file.read()
    truncated = tmp_path / "truncated.weights.h5"
    truncated.write_bytes(data[: len(data) // 2])
    not_hdf5 = tmp_path / "text.weights.h5"
    not_hdf5.write_bytes(b"not an hdf5 file at all")
    for bad in (truncated, not_hdf5):
        with pytest.raises(SavedFileError):
            model.load_weights(str(bad))


def test_links_are_refused_without_being_followed(tmp_path, secret, secret_h5):
    """The check looks at each link, never through it: with the link's target gone, following
    it would fail with h5py's own error; the refusal comes first and names the link."""
    path, _, _ = hostile_weights(tmp_path, external_link_to_dataset, secret, secret_h5)
    os.remove(secret_h5)
    with pytest.raises(UnsafeFileError, match="external link to '/secret' in file"):
        make_model().load_weights(path)
