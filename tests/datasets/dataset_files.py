"""Small files in the layouts of the Keras dataset files, written by the tests."""

import io
import os
import pickle
import struct

import numpy as np


def lamina_datasets(tmp_path, *parts):
    return os.path.join(tmp_path, "home", "datasets", *parts)


def keras_datasets(tmp_path, *parts):
    return os.path.join(tmp_path, "keras", "datasets", *parts)


class Py2Pickler(pickle._Pickler):  # type: ignore[name-defined]
    """Writes pickles as Python 2's cPickle did (the CIFAR files): str and bytes as 8-bit
    strings (BINSTRING), and NumPy 1's ``numpy.core.multiarray`` module name."""

    dispatch = pickle._Pickler.dispatch.copy()  # type: ignore[attr-defined]

    def save_py2_string(self, obj):
        data = obj.encode("latin1") if isinstance(obj, str) else obj
        if len(data) < 256:
            self.write(pickle.SHORT_BINSTRING + bytes([len(data)]) + data)
        else:
            self.write(pickle.BINSTRING + struct.pack("<i", len(data)) + data)
        self.memoize(obj)

    dispatch[str] = save_py2_string
    dispatch[bytes] = save_py2_string


def py2_pickle(obj) -> bytes:
    out = io.BytesIO()
    Py2Pickler(out, protocol=2).dump(obj)
    return out.getvalue().replace(b"numpy._core.multiarray", b"numpy.core.multiarray")


def sequences(rng, count, vocabulary, longest):
    array = np.empty(count, dtype=object)
    for i in range(count):
        array[i] = [int(w) for w in rng.integers(1, vocabulary, rng.integers(1, longest))]
    return array


def cifar_batch(rng, count, label_keys=("labels",), classes=10):
    batch = {
        "batch_label": "a test batch",
        "data": rng.integers(0, 256, (count, 3072), dtype=np.uint8),
    }
    for key in label_keys:
        batch[key] = [int(v) for v in rng.integers(0, classes, count)]
    batch["filenames"] = [f"img_{i}.png" for i in range(count)]
    return batch


def write_tar(path, members):
    """members: {name: bytes}, or {name: ("symlink", target)}."""
    import tarfile

    with tarfile.open(path, "w:gz") as tar:
        for name, content in members.items():
            info = tarfile.TarInfo(name)
            if isinstance(content, tuple):
                info.type, info.linkname = tarfile.SYMTYPE, content[1]
                tar.addfile(info)
            else:
                info.size = len(content)
                tar.addfile(info, io.BytesIO(content))
