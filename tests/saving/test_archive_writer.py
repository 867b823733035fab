"""``.keras`` archives whose HDF5 weights are written once, in place inside the zip."""

import io
import zipfile

import h5py
import numpy as np

import lamina
from lamina import layers
from lamina.saving import archive_writer


def test_archive_is_an_ordinary_zip_with_a_standalone_hdf5_member(tmp_path, rng):
    model = lamina.Sequential([lamina.Input((5,)), layers.Dense(4), layers.Dense(2)])
    model.set_weights([rng.standard_normal(w.shape).astype("float32") for w in model.get_weights()])
    path = str(tmp_path / "m.keras")
    model.save(path)
    with zipfile.ZipFile(path) as archive:
        assert archive.testzip() is None  # every member's CRC-32 checks out
        assert sorted(archive.namelist()) == ["config.json", "metadata.json", "model.weights.h5"]
        info = archive.getinfo("model.weights.h5")
        assert info.compress_type == zipfile.ZIP_STORED
        data = archive.read(info)
    with h5py.File(io.BytesIO(data), "r") as h5_file:  # the member alone is an HDF5 file
        assert h5_file.userblock_size == 0
        np.testing.assert_array_equal(h5_file["layers/dense/vars/0"][()], model.get_weights()[0])
    loaded = lamina.saving.load_model(path)
    for want, got in zip(model.get_weights(), loaded.get_weights()):
        np.testing.assert_array_equal(want, got)


def test_local_header_fills_the_user_block_for_small_and_zip64_sizes():
    date_time = (2026, 12, 4, 7, 45, 30)
    for size in (1234, 5 << 30):
        header = archive_writer._local_header("model.weights.h5", size, 0xDEADBEEF, date_time)
        assert len(header) == archive_writer.USER_BLOCK
        assert header[:4] == b"PK\x03\x04"
        assert header[30:46] == b"model.weights.h5"
    assert b"\x01\x00\x10\x00" in header  # the zip64 sizes field, for the 5 GiB member
