"""Reading the pickled dataset files (CIFAR batches, IMDB/Reuters ``.npz``) without
letting them run code.

A pickle can call any importable function while it loads, so a tampered download could
execute anything through ``pickle.load`` or ``np.load(allow_pickle=True)``. The files these
loaders read only ever hold dicts, lists, tuples, bytes, str, numbers and NumPy arrays, so
the unpickler here resolves exactly the three names NumPy needs to rebuild an array
(``numpy.ndarray``, ``numpy.dtype`` and ``multiarray._reconstruct``, in NumPy 1's and 2's
spellings) to guarded stand-ins, refuses every other name, and checks what it built: plain
numeric arrays, or object arrays of integer sequences. Anything else raises
:class:`UnsafePickleError` before the data is used.
"""

from __future__ import annotations

import io
import pickle
import zipfile

import numpy as np

# NumPy's own array rebuild function, reached without importing ``numpy.core`` (deprecated
# under NumPy 2) or ``numpy._core`` (absent under NumPy 1).
_RECONSTRUCT = np.ndarray.__reduce__(np.zeros(1))[0]
_RECONSTRUCT_NAMES = {"numpy.core.multiarray", "numpy._core.multiarray"}
# dtype kinds an array may have: bool, signed/unsigned integers, floats; object ("O") only
# for the ragged sequence arrays, whose elements are checked one by one.
_NUMERIC_KINDS = frozenset("biuf")


class UnsafePickleError(pickle.UnpicklingError):
    """A dataset file holds something other than plain data: it was not loaded."""


class _Token:
    """Stands for ``numpy.ndarray`` inside the stream: usable only as ``_reconstruct``'s
    first argument, not callable and not modifiable (``__slots__``)."""

    __slots__ = ()


def _refuse(what: str) -> UnsafePickleError:
    return UnsafePickleError(
        f"Refusing to load {what}: dataset files hold only plain arrays, lists and numbers, "
        "so this file is corrupted or has been tampered with."
    )


def _checked_dtype(spec) -> np.dtype:
    if isinstance(spec, bytes):
        spec = spec.decode("latin1")
    if not isinstance(spec, str):
        raise _refuse(f"a NumPy dtype built from {type(spec).__name__}")
    try:
        dtype = np.dtype(spec)
    except TypeError as error:
        raise _refuse(f"the NumPy dtype {spec!r}") from error
    if dtype.fields is not None or dtype.subdtype is not None:
        raise _refuse(f"the structured NumPy dtype {spec!r}")
    if dtype.kind not in _NUMERIC_KINDS and dtype.kind != "O":
        raise _refuse(f"the NumPy dtype {spec!r}")
    return dtype


class _RestrictedUnpickler(pickle.Unpickler):
    def __init__(self, file, **kwargs):
        super().__init__(file, **kwargs)
        self._ndarray = _Token()

    def find_class(self, module, name):
        # Fresh closures per stream: a BUILD opcode aimed at them cannot alter shared state.
        if module == "numpy" and name == "ndarray":
            return self._ndarray
        if module == "numpy" and name == "dtype":

            def make_dtype(spec, align=False, copy=False):
                # The real class (its __setstate__ restores byte order); spec checked first.
                return np.dtype(_checked_dtype(spec), align=bool(align), copy=bool(copy))

            return make_dtype
        if module in _RECONSTRUCT_NAMES and name == "_reconstruct":
            token = self._ndarray

            def reconstruct(subtype, shape, dtype_spec):
                if subtype is not token:
                    raise _refuse(f"an array of type {type(subtype).__name__}")
                return _RECONSTRUCT(np.ndarray, shape, _checked_dtype(dtype_spec))

            return reconstruct
        raise _refuse(f"`{module}.{name}`")

    def persistent_load(self, pid):
        raise _refuse("a persistent reference")


def _check_value(value, depth=0):
    """Raises unless ``value`` is plain data: the only things the datasets hold."""
    if depth > 16:
        raise _refuse("a structure nested this deeply")
    if value is None or isinstance(value, (bool, int, float, str, bytes)):
        return
    if isinstance(value, np.ndarray):
        if type(value) is not np.ndarray:
            raise _refuse(f"an array of type {type(value).__name__}")
        dtype = value.dtype
        if dtype.fields is not None or dtype.subdtype is not None:
            raise _refuse("a structured array")
        if dtype.kind == "O":
            for item in value.flat:
                _check_sequence(item)
        elif dtype.kind not in _NUMERIC_KINDS:
            raise _refuse(f"an array of dtype {dtype}")
        return
    if isinstance(value, (list, tuple)):
        for item in value:
            _check_value(item, depth + 1)
        return
    if isinstance(value, dict):
        for key, item in value.items():
            _check_value(key, depth + 1)
            _check_value(item, depth + 1)
        return
    raise _refuse(f"an object of type {type(value).__name__}")


def _check_sequence(item):
    """An element of an object array: a list of integers or an integer array."""
    if isinstance(item, np.ndarray):
        if type(item) is np.ndarray and item.dtype.kind in "iu" and item.ndim == 1:
            return
        raise _refuse("an object array holding an array that is not 1-D integers")
    if isinstance(item, list) and all(
        isinstance(word, int) and not isinstance(word, bool) for word in item
    ):
        return
    raise _refuse(f"an object array holding {type(item).__name__}, not a list of integers")


def load_pickle(file, encoding="ASCII"):
    """Unpickles ``file`` (a binary file object) allowing only plain data and NumPy arrays.

    ``encoding="bytes"`` reads Python 2 pickles (such as the CIFAR batches) with their
    ``str`` values as ``bytes``.
    """
    try:
        value = _RestrictedUnpickler(file, encoding=encoding).load()
    except UnsafePickleError:
        raise
    except (
        pickle.UnpicklingError,
        EOFError,
        TypeError,
        ValueError,
        AttributeError,
        KeyError,
        IndexError,
    ) as error:
        raise UnsafePickleError(f"Could not read the pickled dataset file: {error}") from error
    _check_value(value)
    return value


def _read_npy(raw: bytes):
    stream = io.BytesIO(raw)
    version = np.lib.format.read_magic(stream)
    if version == (1, 0):
        _, _, dtype = np.lib.format.read_array_header_1_0(stream)
    elif version in ((2, 0), (3, 0)):
        # 3.0 differs from 2.0 only in the header's text encoding; the layout is the same.
        _, _, dtype = np.lib.format.read_array_header_2_0(stream)
    else:
        raise ValueError(f"Unsupported .npy format version {version}.")
    if not dtype.hasobject:
        stream.seek(0)
        array = np.lib.format.read_array(stream, allow_pickle=False)
        _check_value(array)
        return array
    array = load_pickle(stream, encoding="latin1")
    if not isinstance(array, np.ndarray):
        raise _refuse(f"an .npy member holding {type(array).__name__}")
    return array


def load_npz(path) -> dict:
    """The arrays of an ``.npz`` file, as ``np.load(path, allow_pickle=True)`` would give
    them, but with object arrays read by the restricted unpickler above."""
    arrays = {}
    with zipfile.ZipFile(path) as archive:
        for member in archive.namelist():
            if member.endswith(".npy"):
                arrays[member[: -len(".npy")]] = _read_npy(archive.read(member))
    return arrays


__all__ = ["UnsafePickleError", "load_npz", "load_pickle"]
