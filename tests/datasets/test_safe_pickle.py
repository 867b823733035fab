import io
import os
import pickle
import zipfile

import numpy as np
import pytest

from lamina.datasets._safe_pickle import UnsafePickleError, load_npz, load_pickle
from tests.datasets.dataset_files import py2_pickle


class _Payload:
    """Unpickling this with plain pickle creates the marker file (runs code)."""

    def __init__(self, marker):
        self.marker = marker

    def __reduce__(self):
        return (exec, (f"open({self.marker!r}, 'w').close()",))


def test_plain_data_and_arrays_round_trip():
    array = np.arange(12, dtype=np.uint8).reshape(3, 4)
    ragged = np.empty(2, dtype=object)
    ragged[0], ragged[1] = [1, 2, 3], [4]
    value = {"data": array, "labels": [1, 2], "name": b"x", "f": np.float32(0) + np.ones(2)}
    for protocol in (3, 4):
        stream = pickle.dumps({**value, "ragged": ragged}, protocol=protocol)
        loaded = load_pickle(io.BytesIO(stream))
        np.testing.assert_array_equal(loaded["data"], array)
        assert loaded["data"].dtype == np.uint8
        assert loaded["labels"] == [1, 2]
        assert [list(s) for s in loaded["ragged"]] == [[1, 2, 3], [4]]


def test_python2_pickles_with_numpy1_names_load():
    array = np.arange(3 * 3072, dtype=np.uint8).reshape(3, 3072)
    stream = py2_pickle({"data": array, "labels": [7, 8, 9], "batch_label": "b1"})
    assert b"numpy.core.multiarray" in stream
    assert b"_codecs" not in stream
    loaded = load_pickle(io.BytesIO(stream), encoding="bytes")
    assert set(loaded) == {b"data", b"labels", b"batch_label"}
    np.testing.assert_array_equal(loaded[b"data"], array)
    assert loaded[b"batch_label"] == b"b1"


def test_hostile_pickle_is_refused_without_running(tmp_path):
    marker = str(tmp_path / "ran")
    stream = pickle.dumps({"data": _Payload(marker)}, protocol=2)
    with pytest.raises(UnsafePickleError, match="exec"):
        load_pickle(io.BytesIO(stream))
    assert not os.path.exists(marker)
    pickle.loads(stream)  # the same stream does run code through plain pickle
    assert os.path.exists(marker)


@pytest.mark.parametrize(
    ("value", "match"),
    [
        (np.array(["a", "b"]), "dtype"),
        (np.zeros(2, dtype=[("a", "i4")]), "dtype"),
        (np.ma.masked_array([1, 2]), "numpy.ma"),
        (np.array([{"k": 1}], dtype=object), "dict"),
        ({1, 2}, "set"),
    ],
)
def test_anything_beyond_plain_data_is_refused(value, match):
    with pytest.raises(UnsafePickleError, match=match):
        load_pickle(io.BytesIO(pickle.dumps(value, protocol=3)))


def test_npz_object_arrays_load_and_hostile_members_are_refused(tmp_path):
    ragged = np.empty(2, dtype=object)
    ragged[0], ragged[1] = [1, 2], [3, 4, 5]
    path = tmp_path / "ok.npz"
    np.savez(path, x=ragged, y=np.array([0, 1]))
    loaded = load_npz(path)
    assert [list(s) for s in loaded["x"]] == [[1, 2], [3, 4, 5]]
    np.testing.assert_array_equal(loaded["y"], [0, 1])

    marker = str(tmp_path / "ran")
    header = io.BytesIO()
    np.lib.format.write_array_header_1_0(
        header, {"descr": "|O", "fortran_order": False, "shape": (1,)}
    )
    hostile = tmp_path / "hostile.npz"
    with zipfile.ZipFile(hostile, "w") as archive:
        archive.writestr("x.npy", header.getvalue() + pickle.dumps(_Payload(marker), 3))
    with pytest.raises(UnsafePickleError, match="Refusing"):
        load_npz(hostile)
    assert not os.path.exists(marker)
