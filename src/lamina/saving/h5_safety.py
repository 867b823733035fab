"""HDF5 files that are read only from themselves: every weights reader opens files here.

HDF5 lets a dataset keep its bytes elsewhere: in raw external files (``Dataset.external``),
in other HDF5 files mapped by a virtual dataset, or behind an external link. A hostile
``.weights.h5`` can use any of these to pull the bytes of another file the user can read
(keys, tokens) into a model's weights. So before anything is read, the whole tree is walked
without dereferencing a single link, and only what a weights file needs is allowed (an
allow-list, not a list of known tricks):

- groups and datasets reached by hard links, each once (no soft, external or user-defined
  links, no hard-link loops, no committed datatypes);
- datasets stored compact, contiguous or chunked inside this file (no external storage, no
  virtual layout), compressed only by the filters HDF5 and h5py build in (gzip, lzf,
  shuffle, fletcher32);
- numeric data (bool, int, uint, float, and 2-byte raw values tagged ``bfloat16``);
- declared sizes backed by bytes present: a contiguous dataset's span and every chunk lie
  inside the file, an uncompressed dataset has all its bytes, and no chunk is missing.
"""

from __future__ import annotations

import contextlib
import math

import h5py
import numpy as np
from h5py import h5d, h5z

from lamina.saving.errors import SavedFileError, UnsafeFileError

HDF5_SIGNATURE = b"\x89HDF\r\n\x1a\n"
_LZF = 32000  # h5py's own filter id
_COMPRESSING_FILTERS = {h5z.FILTER_DEFLATE: "gzip", _LZF: "lzf"}
_ALLOWED_FILTERS = {
    **_COMPRESSING_FILTERS,
    h5z.FILTER_SHUFFLE: "shuffle",
    h5z.FILTER_FLETCHER32: "fletcher32",
}
_LAYOUTS = {h5d.COMPACT: "compact", h5d.CONTIGUOUS: "contiguous", h5d.CHUNKED: "chunked"}
_MAX_OBJECTS = 1_000_000  # far more groups and datasets than any model has
_NUMERIC_KINDS = "biuf"


def _refuse(label: str, path: str, reason: str) -> UnsafeFileError:
    return UnsafeFileError(f"Refusing to load {label}: {path} {reason}.", path, reason)


def _link_kind(link) -> str | None:
    """None for a hard link; otherwise what the link is, for the error message."""
    if isinstance(link, h5py.HardLink):
        return None
    if isinstance(link, h5py.SoftLink):
        return f"is a soft link to {link.path!r}"
    if isinstance(link, h5py.ExternalLink):
        return f"is an external link to {link.path!r} in file {link.filename!r}"
    return f"is a link of an unsupported kind ({type(link).__name__})"


def _address(item):
    info = h5py.h5o.get_info(item.id)
    token = getattr(info, "token", None)
    return token if token is not None else info.addr


def _is_bfloat16(dataset) -> bool:
    dtype = dataset.dtype
    return dtype.itemsize == 2 and dtype.kind in "uV" and dataset.attrs.get("dtype") == "bfloat16"


def _check_dtype(dataset, path: str, label: str) -> None:
    dtype = dataset.dtype
    if dtype.fields is not None or dtype.subdtype is not None:
        raise _refuse(label, path, f"holds structured data ({dtype}), not numbers")
    if dtype.kind not in _NUMERIC_KINDS and not _is_bfloat16(dataset):
        raise _refuse(label, path, f"holds non-numeric data (dtype {dtype})")


def _check_filters(plist, path: str, label: str) -> bool:
    """Refuses filters outside the built-in set; returns whether the data is compressed."""
    compressed = False
    for index in range(plist.get_nfilters()):
        code, _flags, _values, name = plist.get_filter(index)
        if code not in _ALLOWED_FILTERS or not h5z.filter_avail(code):
            shown = name.decode("utf-8", "replace") if isinstance(name, bytes) else name
            allowed = ", ".join(sorted(_ALLOWED_FILTERS.values()))
            raise _refuse(
                label, path, f"uses filter {code} ({shown!r}); only {allowed} are allowed"
            )
        compressed = compressed or code in _COMPRESSING_FILTERS
    return compressed


def _check_contiguous(dataset, path: str, label: str, nbytes: int, file_size: int) -> None:
    if nbytes == 0:
        return
    offset = dataset.id.get_offset()
    stored = dataset.id.get_storage_size()
    if offset is None or stored < nbytes or offset + nbytes > file_size:
        raise _refuse(
            label,
            path,
            f"declares {nbytes} bytes of data, but the file holds {stored if offset else 0} "
            f"of them (file size {file_size})",
        )


def _check_chunked(dataset, path, label, nbytes, file_size, compressed) -> None:
    if nbytes == 0:
        return
    chunk_shape = dataset.chunks
    expected_chunks = math.prod(
        math.ceil(size / chunk) for size, chunk in zip(dataset.shape, chunk_shape)
    )
    found_chunks = dataset.id.get_num_chunks()
    if found_chunks < expected_chunks:
        raise _refuse(
            label,
            path,
            f"declares {expected_chunks} chunks of data, but the file holds {found_chunks}",
        )
    stored = 0
    for index in range(found_chunks):
        info = dataset.id.get_chunk_info(index)
        if info.byte_offset is None or info.byte_offset + info.size > file_size:
            raise _refuse(label, path, f"has chunk {index} outside the file")
        stored += info.size
    chunk_bytes = math.prod(chunk_shape) * dataset.dtype.itemsize
    if not compressed and stored < found_chunks * chunk_bytes:
        raise _refuse(
            label,
            path,
            f"declares {found_chunks * chunk_bytes} bytes of uncompressed chunks, but the "
            f"file holds {stored}",
        )


def _check_dataset(dataset, path: str, label: str, file_size: int) -> None:
    if dataset.shape is None:
        raise _refuse(label, path, "has a null dataspace (no shape)")
    plist = dataset.id.get_create_plist()
    layout = plist.get_layout()
    if layout == h5d.VIRTUAL or dataset.is_virtual:
        raise _refuse(label, path, "is a virtual dataset (its data maps other files)")
    if plist.get_external_count() > 0 or dataset.external:
        raise _refuse(label, path, "keeps its data in external raw files")
    if layout not in _LAYOUTS:
        raise _refuse(label, path, f"has an unsupported storage layout ({layout})")
    _check_dtype(dataset, path, label)
    compressed = _check_filters(plist, path, label)
    nbytes = math.prod(dataset.shape) * dataset.dtype.itemsize
    if layout == h5d.CONTIGUOUS:
        _check_contiguous(dataset, path, label, nbytes, file_size)
    elif layout == h5d.CHUNKED:
        _check_chunked(dataset, path, label, nbytes, file_size, compressed)


def check_h5_file(h5_file, label: str) -> None:
    """Walks the whole open file; raises ``UnsafeFileError`` naming the first object that
    reaches outside it or lies about its size (see the module doc). Follows no link."""
    file_size = h5_file.id.get_filesize()
    seen = {_address(h5_file)}
    groups = [("/", h5_file)]
    while groups:
        group_path, group = groups.pop()
        for name in group:
            path = f"{group_path.rstrip('/')}/{name}"
            kind = _link_kind(group.get(name, getlink=True))
            if kind is not None:
                raise _refuse(label, path, kind)
            item = group.get(name)  # a hard link: an object of this file
            if item is None:  # h5py's get() answers None for an object it cannot open
                raise SavedFileError(f"{label} is damaged: {path} cannot be opened.")
            address = _address(item)
            if address in seen:
                raise _refuse(label, path, "is reached twice (a hard-link loop or alias)")
            seen.add(address)
            if len(seen) > _MAX_OBJECTS:
                raise _refuse(label, path, f"is past the {_MAX_OBJECTS}-object limit")
            if isinstance(item, h5py.Dataset):
                _check_dataset(item, path, label, file_size)
            elif isinstance(item, h5py.Group):
                groups.append((path, item))
            else:
                raise _refuse(label, path, f"is a {type(item).__name__}, not a group or dataset")


@contextlib.contextmanager
def open_h5(source, label: str):
    """Opens an HDF5 file (a path or a binary file object) for reading, checked whole by
    ``check_h5_file`` before it is handed out. h5py's read errors inside the block (a
    corrupted chunk) become ``SavedFileError``."""
    if isinstance(source, str):
        with open(source, "rb") as file:
            signature = file.read(len(HDF5_SIGNATURE))
    else:
        start = source.tell()
        signature = source.read(len(HDF5_SIGNATURE))
        source.seek(start)
    if signature != HDF5_SIGNATURE:
        raise SavedFileError(f"{label} is not an HDF5 file (wrong signature).")
    try:
        h5_file = h5py.File(source, "r")
    except (OSError, ValueError) as error:
        raise SavedFileError(f"{label} cannot be read as HDF5: {error}") from error
    with h5_file:
        try:
            check_h5_file(h5_file, label)
        except (OSError, RuntimeError, KeyError, ValueError) as error:
            if isinstance(error, SavedFileError):
                raise
            raise SavedFileError(f"{label} is damaged: {error}") from error
        try:
            yield h5_file
        except (OSError, RuntimeError) as error:
            raise SavedFileError(f"{label} is damaged: {error}") from error


def read_dataset(dataset) -> np.ndarray:
    """A checked dataset's values; Keras's raw ``bfloat16`` bits are widened to float32."""
    if _is_bfloat16(dataset):
        bits = np.asarray(dataset[()]).view(np.uint16).astype(np.uint32) << 16
        return bits.view(np.float32)
    return np.asarray(dataset[()])


__all__ = ["HDF5_SIGNATURE", "check_h5_file", "open_h5", "read_dataset"]
