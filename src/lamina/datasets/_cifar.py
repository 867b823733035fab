"""What CIFAR-10 and CIFAR-100 share: fetching and unpacking the archive into Keras's cache
layout, and reading a pickled batch without unpickling anything but plain data."""

from __future__ import annotations

import os
import tarfile
import tempfile

import numpy as np

from lamina.backend.config import image_data_format
from lamina.datasets._common import fetch, keras_datasets_dir
from lamina.datasets._safe_pickle import load_pickle
from lamina.utils.file_utils import lamina_home

_PIXELS = 3 * 32 * 32


def batch_folder(dirname, origin, file_hash, inner, required, optional=()) -> str:
    """The folder holding the batch files: ``<cache>/datasets/<dirname>/<inner>``.

    Keras keeps the downloaded archive as ``datasets/<dirname>_archive`` and unpacks it into
    ``datasets/<dirname>/``; an unpacked copy in Lamina's or Keras's cache is used as it is.
    Otherwise the archive is fetched (and its sha256 checked), and only the known batch
    files are copied out of it, as regular files, to paths chosen here: a member's own
    path, a link or a device in the archive can never write anywhere else.
    """
    for base in (os.path.join(lamina_home(), "datasets"), keras_datasets_dir()):
        folder = os.path.join(base, dirname, inner)
        if all(os.path.isfile(os.path.join(folder, name)) for name in required):
            return folder
    archive = fetch(dirname + "_archive", origin, file_hash)
    folder = os.path.join(lamina_home(), "datasets", dirname, inner)
    _unpack(archive, folder, inner, required, optional)
    return folder


def _unpack(archive, folder, inner, required, optional):
    wanted = {f"{inner}/{name}": name for name in (*required, *optional)}
    found = set()
    os.makedirs(folder, exist_ok=True)
    with tarfile.open(archive, "r:*") as tar:
        for member in tar:
            name = member.name[2:] if member.name.startswith("./") else member.name
            if name not in wanted:
                continue
            if not member.isreg():
                raise ValueError(
                    f"{archive}: the member {member.name} is not a regular file (a link or "
                    "device); the archive was not unpacked."
                )
            source = tar.extractfile(member)
            if source is None:  # pragma: no cover - isreg() members always have data
                continue
            handle, temporary = tempfile.mkstemp(dir=folder, suffix=".part")
            try:
                with os.fdopen(handle, "wb") as out, source:
                    while chunk := source.read(1 << 20):
                        out.write(chunk)
                os.replace(temporary, os.path.join(folder, wanted[name]))
            finally:
                if os.path.exists(temporary):
                    os.remove(temporary)
            found.add(wanted[name])
    missing = [name for name in required if name not in found]
    if missing:
        raise ValueError(f"{archive} lacks the CIFAR files {missing} under {inner}/.")


def load_batch(path, label_key="labels"):
    """A CIFAR batch file: ``(data, labels)``, data uint8 ``(n, 3, 32, 32)``, labels as a
    NumPy array of the stored integers."""
    with open(path, "rb") as file:
        batch = load_pickle(file, encoding="bytes")  # Python 2 pickles: str read as bytes
    if not isinstance(batch, dict):
        raise ValueError(f"{path} is not a CIFAR batch (it holds {type(batch).__name__}).")
    batch = {key.decode("utf8") if isinstance(key, bytes) else key: v for key, v in batch.items()}
    if "data" not in batch or label_key not in batch:
        raise ValueError(f"{path} lacks the CIFAR entries 'data' and {label_key!r}.")
    data, labels = batch["data"], np.asarray(batch[label_key])
    if not isinstance(data, np.ndarray) or data.ndim != 2 or data.shape[1] != _PIXELS:
        shape = getattr(data, "shape", None)
        raise ValueError(f"{path}: 'data' should be an (n, {_PIXELS}) array; it is {shape}.")
    if data.dtype != np.uint8:
        raise ValueError(f"{path}: 'data' should hold uint8 pixels; it holds {data.dtype}.")
    if labels.shape != (len(data),) or labels.dtype.kind not in "iu":
        raise ValueError(
            f"{path}: {label_key!r} should hold {len(data)} integer labels; it holds "
            f"{labels.shape} of {labels.dtype}."
        )
    return data.reshape(len(data), 3, 32, 32), labels


def to_data_format(x):
    """Batches are stored channels first; Keras gives them in the configured format."""
    return x.transpose(0, 2, 3, 1) if image_data_format() == "channels_last" else x
