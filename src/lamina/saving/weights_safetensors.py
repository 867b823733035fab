"""Weights as safetensors files, under the same names as the ``.weights.h5`` datasets.

A safetensors file is an 8-byte little-endian header length, a JSON header mapping each
tensor name to ``{"dtype", "shape", "data_offsets"}`` (offsets relative to the data that
follows the header, plus an optional ``__metadata__`` of strings), then the raw
little-endian bytes of every tensor. The format is the Hugging Face ``safetensors``
specification (https://huggingface.co/docs/safetensors); this module writes and reads it with
NumPy alone, so the ``safetensors`` package is not needed, and files interoperate with it
(``safetensors.torch.load_file`` / ``safetensors.numpy.load_file`` both ways).

Tensor names are the ``weights_h5`` dataset paths, ``f"{saved.vars_path}/{index}"``:
``layers/dense/vars/0`` for the first Sequential layer's kernel, ``optimizer/vars/3`` for
optimizer state. Reading validates the whole header (length, JSON, dtypes, shapes, offsets
that tile the data exactly and stay inside the file) and checks it against the model before
any tensor is read, and reads only the tensors the model needs: a file cannot make us
allocate more than the model's own variables. Nothing is ever unpickled.
"""

from __future__ import annotations

import json
import math
import os
import re
import struct
import tempfile
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import numpy as np

from lamina import backend
from lamina.saving.errors import SavedFileError
from lamina.saving.object_walk import CustomLoad, SavedObject, saved_store

SAFETENSORS_SUFFIX = ".safetensors"
METADATA = {"format": "lamina", "layout": "keras3"}

_LENGTH = struct.Struct("<Q")
_MAX_HEADER_BYTES = 100 << 20  # the safetensors package's own limit
_MAX_NDIM = 64
_ALIGNMENT = 8  # the header is padded with spaces so that the data starts 8-byte aligned
_TENSOR_FIELDS = {"dtype", "shape", "data_offsets"}
# A dataset path in the Keras 3 weights layout: `<path>/vars/<index>`.
_KEY_PATTERN = re.compile(r"(?:[^/]+/)*vars/[^/]+")
# The optimizer's attribute name in Keras's walk; its state may be absent from the model.
_OPTIMIZER_PATH = "optimizer"

# File dtype code -> the little-endian NumPy dtype its bytes are read as. BF16 is read as its
# raw 16 bits and widened to float32 (as weights_h5 does): NumPy has no bfloat16.
_STORAGE_DTYPES: dict[str, np.dtype] = {
    "BOOL": np.dtype("u1"),
    "U8": np.dtype("u1"),
    "I8": np.dtype("i1"),
    "U16": np.dtype("<u2"),
    "I16": np.dtype("<i2"),
    "U32": np.dtype("<u4"),
    "I32": np.dtype("<i4"),
    "U64": np.dtype("<u8"),
    "I64": np.dtype("<i8"),
    "F16": np.dtype("<f2"),
    "BF16": np.dtype("<u2"),
    "F32": np.dtype("<f4"),
    "F64": np.dtype("<f8"),
}
# Variable dtype (Lamina's name) -> file dtype code.
_CODES = {
    "bool": "BOOL",
    "uint8": "U8",
    "int8": "I8",
    "uint16": "U16",
    "int16": "I16",
    "uint32": "U32",
    "int32": "I32",
    "uint64": "U64",
    "int64": "I64",
    "float16": "F16",
    "bfloat16": "BF16",
    "float32": "F32",
    "float64": "F64",
}


@dataclass(frozen=True)
class _Entry:
    """One tensor of a file: its dtype code, shape and byte range within the data."""

    dtype: str
    shape: tuple
    begin: int
    end: int


# ---- writing -----------------------------------------------------------------------------


def write_safetensors(objects: list[SavedObject], destination) -> None:
    """Writes the variables of ``objects`` (from ``saved_objects``) as a safetensors file.

    ``destination`` is a path, written next to its destination under a temporary name and
    then renamed (an interrupted save never leaves half a file), or a writable binary file
    object (a ``.keras`` archive member), written sequentially without seeking. Variables are
    converted and written one at a time: the model is never copied whole into memory.
    """
    planned = _planned_tensors(objects)
    header = _encode_header(planned)
    if hasattr(destination, "write"):
        _write_stream(destination, header, planned)
        return
    filepath = os.fspath(destination)
    directory = os.path.dirname(os.path.abspath(filepath))
    handle, temporary = tempfile.mkstemp(dir=directory, suffix=".tmp" + SAFETENSORS_SUFFIX)
    try:
        with os.fdopen(handle, "wb") as stream:
            _write_stream(stream, header, planned)
        os.replace(temporary, filepath)
    except BaseException:
        if os.path.exists(temporary):
            os.remove(temporary)
        raise


def _planned_tensors(objects: list[SavedObject]) -> list:
    """``(key, variable, entry)`` for every variable, laid out back to back in walk order."""
    planned, offset = [], 0
    for saved in objects:
        items = saved_store(saved).items() if saved.custom_io else enumerate(saved.variables)
        for index, variable in items:
            code = _CODES.get(str(variable.dtype))
            if code is None:
                raise SavedFileError(
                    f"{saved.label}: variable {index!r} has dtype {variable.dtype}, "
                    "which safetensors cannot hold; save it as `.weights.h5` instead."
                )
            shape = tuple(int(size) for size in variable.shape)
            nbytes = math.prod(shape) * _STORAGE_DTYPES[code].itemsize
            entry = _Entry(code, shape, offset, offset + nbytes)
            planned.append((f"{saved.vars_path}/{index}", variable, entry))
            offset += nbytes
    return planned


def _encode_header(planned: list) -> bytes:
    header: dict = {"__metadata__": METADATA}
    for key, _, entry in planned:
        header[key] = {
            "dtype": entry.dtype,
            "shape": list(entry.shape),
            "data_offsets": [entry.begin, entry.end],
        }
    encoded = json.dumps(header, separators=(",", ":")).encode("utf-8")
    padding = -(_LENGTH.size + len(encoded)) % _ALIGNMENT
    return encoded + b" " * padding


def _write_stream(stream, header: bytes, planned: list) -> None:
    stream.write(_LENGTH.pack(len(header)))
    stream.write(header)
    for key, variable, entry in planned:
        data = _stored_bytes(backend.convert_to_numpy(variable), entry)
        if data.nbytes != entry.end - entry.begin:
            raise RuntimeError(  # the engine's value disagrees with the variable's own shape
                f"Variable {key!r} converts to {data.nbytes} bytes; {key} declares "
                f"{entry.end - entry.begin}."
            )
        stream.write(data)


def _stored_bytes(value: np.ndarray, entry: _Entry) -> np.ndarray:
    """``value`` as the flat bytes the file holds; a view when no conversion is needed."""
    if entry.dtype == "BF16":
        # Engines hand bfloat16 over widened to float32: keep the top 16 bits, rounded to
        # nearest even (exact for values that were bfloat16), and NaN kept NaN.
        bits = np.asarray(value, np.float32).view(np.uint32).astype(np.uint64)
        rounded = ((bits + 0x7FFF + ((bits >> 16) & 1)) >> 16).astype(np.uint16)
        value = np.where(np.isnan(value), np.uint16(0x7FC0), rounded)
    elif entry.dtype == "BOOL":
        value = np.asarray(value, np.bool_).view(np.uint8)
    value = np.ascontiguousarray(value, dtype=_STORAGE_DTYPES[entry.dtype])
    return value.reshape(-1).view(np.uint8)


# ---- reading -----------------------------------------------------------------------------


def read_safetensors(
    source, objects: list[SavedObject], label: str, skip_mismatch=False, size: int | None = None
) -> list:
    """Checks a safetensors file against ``objects``; returns ``(variable, value)`` pairs.

    ``source`` is a path or a readable, seekable binary file object positioned at the start
    of the safetensors data (a ``.keras`` archive member, or the archive itself positioned at
    a stored member's data with ``size`` its length; by default the data runs to the end of
    the file). ``label`` names the file in error messages. The semantics are
    ``weights_h5.read_objects``'s: the header is validated and every tensor's count, dtype
    and shape checked before any data is read, and a ``SavedFileError`` names each object that
    does not fit (optimizer mismatches are skipped with a warning; ``skip_mismatch=True``
    skips the other mismatches with a warning too). Tensors that belong to no object of the
    model are an error unless ``skip_mismatch``, except optimizer state when the model has
    no optimizer (Keras ignores it). Nothing is assigned here: the caller assigns the pairs.
    """
    with _opened(source) as stream:
        start = stream.tell()
        available = stream.seek(0, os.SEEK_END) - start
        if size is None:
            size = available
        elif not 0 <= size <= available:
            raise SavedFileError(f"{label}: {size} bytes declared, but only {available} present.")
        stream.seek(start)
        entries, data_start = _read_header(stream, size, label)
        planned = _plan(entries, objects, label, skip_mismatch)
        # Read only once everything fits: a file cannot make us allocate more than the model.

        def read(key):
            return _read_tensor(stream, start + data_start, key, entries[key], label)

        return [
            (
                target,
                {sub: read(k) for sub, k in key.items()} if isinstance(key, dict) else read(key),
            )
            for key, target in planned
        ]


def read_header(source, label: str) -> dict:
    """``{tensor name: (dtype name, shape)}`` from a safetensors file's header, validated as
    ``read_safetensors`` validates it (offsets tile the data, sizes fit), without reading
    any tensor's data. ``source`` is a path or a binary file object."""
    names = {code: name for name, code in _CODES.items()}
    with _opened(source) as stream:
        start = stream.tell()
        size = stream.seek(0, os.SEEK_END) - start
        stream.seek(start)
        entries, _ = _read_header(stream, size, label)
    return {
        key: (names.get(entry.dtype, entry.dtype), entry.shape) for key, entry in entries.items()
    }


@contextmanager
def _opened(source) -> Iterator:
    if hasattr(source, "read"):
        yield source
        return
    with open(os.fspath(source), "rb") as stream:
        yield stream


def _read_header(stream, size: int, label: str) -> tuple[dict, int]:
    """Validated ``{key: _Entry}`` and the offset where the data starts."""
    if size < _LENGTH.size:
        raise SavedFileError(f"{label} is not a safetensors file: only {size} bytes long.")
    (length,) = _LENGTH.unpack(stream.read(_LENGTH.size))
    if length > min(_MAX_HEADER_BYTES, size - _LENGTH.size):
        raise SavedFileError(
            f"{label} is not a valid safetensors file: its header declares {length} bytes, "
            f"but the file holds {size - _LENGTH.size} after the length field (at most "
            f"{_MAX_HEADER_BYTES} are allowed)."
        )
    header = _parse_json(stream.read(length), label)
    metadata = header.pop("__metadata__", {})
    if not isinstance(metadata, dict) or not all(
        isinstance(value, str) for value in metadata.values()
    ):
        raise SavedFileError(f"{label}: `__metadata__` must map names to strings.")
    entries = {key: _parse_entry(key, value, label) for key, value in header.items()}
    _check_offsets(entries, size - _LENGTH.size - length, label)
    return entries, _LENGTH.size + length


def _parse_json(raw: bytes, label: str) -> dict:
    def refuse_duplicates(pairs):
        keys = [key for key, _ in pairs]
        if len(set(keys)) != len(keys):
            raise SavedFileError(f"duplicate keys {sorted({k for k in keys if keys.count(k) > 1})}")
        return dict(pairs)

    def refuse_constant(name):
        raise SavedFileError(f"non-standard JSON constant {name}")

    if not raw.startswith(b"{"):
        raise SavedFileError(f"{label} is not a valid safetensors file: its header is not JSON.")
    try:
        header = json.loads(
            raw.decode("utf-8"),
            object_pairs_hook=refuse_duplicates,
            parse_constant=refuse_constant,
        )
    except (ValueError, RecursionError) as error:  # JSONDecodeError and UnicodeError too
        raise SavedFileError(
            f"{label}: the safetensors header is not valid JSON ({error})."
        ) from None
    if not isinstance(header, dict):
        raise SavedFileError(f"{label}: the safetensors header is not a JSON object.")
    return header


def _is_int(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _parse_entry(key: str, value, label: str) -> _Entry:
    where = f"{label}: tensor {key!r}"
    if not isinstance(value, dict) or set(value) != _TENSOR_FIELDS:
        raise SavedFileError(f"{where} must be an object with exactly {sorted(_TENSOR_FIELDS)}.")
    dtype, shape, offsets = value["dtype"], value["shape"], value["data_offsets"]
    if not isinstance(dtype, str) or dtype not in _STORAGE_DTYPES:
        raise SavedFileError(
            f"{where} has dtype {dtype!r}; only numeric dtypes {sorted(_STORAGE_DTYPES)} "
            "can be loaded."
        )
    if not isinstance(shape, list) or len(shape) > _MAX_NDIM:
        raise SavedFileError(f"{where} has an invalid shape {shape!r}.")
    if not all(_is_int(size) and size >= 0 for size in shape):
        raise SavedFileError(f"{where} has an invalid shape {shape!r}.")
    if not (isinstance(offsets, list) and len(offsets) == 2 and all(map(_is_int, offsets))):
        raise SavedFileError(f"{where} has invalid data_offsets {offsets!r}.")
    begin, end = offsets
    if not 0 <= begin <= end:
        raise SavedFileError(f"{where} has invalid data_offsets {offsets!r}.")
    # Python integers: a huge declared shape cannot overflow into a small byte count.
    nbytes = math.prod(shape) * _STORAGE_DTYPES[dtype].itemsize
    if nbytes != end - begin:
        raise SavedFileError(
            f"{where}: shape {tuple(shape)} of {dtype} needs {nbytes} bytes, but its "
            f"data_offsets {offsets} span {end - begin}."
        )
    return _Entry(dtype, tuple(shape), begin, end)


def _check_offsets(entries: dict, data_size: int, label: str) -> None:
    """The tensors must tile the data exactly: inside the file, no overlap, no gap."""
    cursor, previous = 0, None
    for key, entry in sorted(entries.items(), key=lambda item: (item[1].begin, item[1].end)):
        if entry.end > data_size:
            raise SavedFileError(
                f"{label}: tensor {key!r} ends at byte {entry.end} of the data, past the end "
                f"of the file ({data_size} bytes of data)."
            )
        if entry.begin < cursor:
            raise SavedFileError(f"{label}: tensors {previous!r} and {key!r} overlap in the file.")
        if entry.begin > cursor:
            raise SavedFileError(f"{label}: bytes {cursor}..{entry.begin} belong to no tensor.")
        cursor, previous = entry.end, key
    if cursor != data_size:
        raise SavedFileError(
            f"{label}: the tensors span {cursor} bytes, but the file holds {data_size} bytes "
            "of data after the header."
        )


def _plan(entries: dict, objects: list[SavedObject], label: str, skip_mismatch: bool) -> list:
    """``(key, variable)`` for every tensor to read; raises or warns on what does not fit."""
    odd = sorted(key for key in entries if not _KEY_PATTERN.fullmatch(key))
    if odd:
        raise SavedFileError(
            f"{label} does not have the Keras 3 weights layout: tensor names must be "
            f"`<path>/vars/<index>`; found {odd[:5]}."
        )
    groups: dict = {}
    for key in entries:
        groups.setdefault(key.rpartition("/")[0], []).append(key)
    planned: list = []
    problems: list = []
    for saved in objects:
        stored = groups.pop(saved.vars_path, [])
        if saved.custom_io:  # its load_own_variables decides what fits
            keys = {key.rpartition("/")[2]: key for key in stored}
            planned.append((keys, CustomLoad(saved)))
            continue
        problem = _object_problem(saved, stored, entries)
        if problem is None:
            planned.extend((f"{saved.vars_path}/{i}", v) for i, v in enumerate(saved.variables))
        elif saved.is_optimizer:
            # As Keras: an optimizer that does not match (often: not built yet) is skipped.
            warnings.warn(f"Skipping variable loading for {problem}", stacklevel=4)
        else:
            problems.append(problem)
    has_optimizer = any(saved.path == _OPTIMIZER_PATH for saved in objects)
    unclaimed = sorted(
        path
        for path in groups
        if has_optimizer or path.partition("/")[0] != _OPTIMIZER_PATH  # state Keras ignores
    )
    if unclaimed:
        problems.append(f"the file holds variables for objects the model lacks: {unclaimed[:5]}.")
    if problems:
        message = f"Cannot load {label}: {len(problems)} object(s) do not match.\n" + "\n".join(
            problems
        )
        if not skip_mismatch:
            raise SavedFileError(message)
        warnings.warn(message + "\nThese were skipped (skip_mismatch=True).", stacklevel=4)
    return planned


def _object_problem(saved: SavedObject, stored: list, entries: dict) -> str | None:
    """Why the file's tensors for ``saved`` cannot be loaded into it, or None."""
    expected = len(saved.variables)
    if len(stored) != expected:
        if expected == 0 and not getattr(saved.owner, "built", True):
            return (
                f"{saved.label} was never built, so it has no variables, but the file holds "
                f"{len(stored)} for it. Build the model (call it on data) before loading weights."
            )
        names = [variable.name for variable in saved.variables]
        return (
            f"{saved.label} expected {expected} variables {names}, but the file holds "
            f"{len(stored)}."
        )
    for index, variable in enumerate(saved.variables):
        key = f"{saved.vars_path}/{index}"
        entry = entries.get(key)
        if entry is None:
            return f"{saved.label}: the file has no tensor {key}."
        expected_shape = tuple(variable.shape)
        if expected_shape != entry.shape:
            return (
                f"{saved.label}: variable {variable.path!r} expects shape {expected_shape}, "
                f"but the file holds shape {entry.shape} at {key}."
            )
    return None


def _read_tensor(stream, data_start: int, key: str, entry: _Entry, label: str) -> np.ndarray:
    storage = _STORAGE_DTYPES[entry.dtype]
    value = np.empty(entry.shape, storage)
    buffer = value.reshape(-1).view(np.uint8).data  # a writable memoryview of the bytes
    stream.seek(data_start + entry.begin)
    filled = 0
    while filled < len(buffer):
        count = stream.readinto(buffer[filled:])
        if not count:  # the file shrank after its size was checked
            raise SavedFileError(f"{label}: tensor {key!r} is truncated.")
        filled += count
    # np.asarray: a ufunc on a 0-d array gives a NumPy scalar, which engines convert less kindly.
    if entry.dtype == "BF16":
        # bfloat16 is the top half of a float32: widen without ml_dtypes.
        return np.asarray(value.astype(np.uint32) << 16).view(np.float32)
    if entry.dtype == "BOOL":
        return np.asarray(value != 0)
    return value.astype(storage.newbyteorder("="), copy=False)


__all__ = [
    "METADATA",
    "SAFETENSORS_SUFFIX",
    "read_header",
    "read_safetensors",
    "write_safetensors",
]
