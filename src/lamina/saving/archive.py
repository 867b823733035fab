"""The one reader of ``.keras`` archives (zip files or unzipped directories).

``load_model``, ``load_weights`` on a ``.keras`` file and the inspector all read archives
here. Member names and declared sizes are checked before anything is read; the JSON members
are read into memory (bounded), the weights member is copied in bounded chunks into a
temporary folder the caller owns, never next to the archive and never under a member's own
name. Nothing is extracted by path, so no member can land outside that folder.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import posixpath
import struct
import zipfile
import zlib
from dataclasses import dataclass, field

from lamina.saving.errors import SavedFileError, UnsafeFileError

CONFIG_FILENAME = "config.json"
METADATA_FILENAME = "metadata.json"
WEIGHTS_FILENAME = "model.weights.h5"
SAFETENSORS_WEIGHTS_FILENAME = "model.weights.safetensors"
WEIGHTS_FILENAMES = (WEIGHTS_FILENAME, SAFETENSORS_WEIGHTS_FILENAME)

MAX_JSON_BYTES = 64 << 20  # a config this large is not a model description
MAX_WEIGHTS_BYTES = 1 << 36  # 64 GiB
ASSETS_PREFIX = "assets/"
MAX_ASSETS_BYTES = 1 << 30  # all assets together (Keras's are vocabulary files)
_MAX_MEMBERS = 10_000
_COPY_CHUNK = 16 << 20
_LOCAL_HEADER = struct.Struct("<4s5H3L2H")  # a zip member's local file header
_LOCAL_SIGNATURE = b"PK\x03\x04"


@dataclass
class ArchiveMembers:
    """What a ``.keras`` archive holds, read and checked: the JSON members' bytes and the
    path of its weights file on local disk (in the caller's temporary folder for a zip)."""

    filepath: str
    config: bytes
    metadata: bytes | None
    weights_path: str
    weights_name: str  # model.weights.h5 or model.weights.safetensors
    member_names: tuple = ()
    # (offset, size) when the weights are read in place from a stored member of the zip at
    # ``weights_path``, instead of from a copy.
    weights_span: tuple[int, int] | None = None
    # ``assets/...`` members (vocabularies): {member name: bytes}, read bounded.
    assets: dict = field(default_factory=dict)

    @property
    def weights_size(self) -> int:
        if self.weights_span is not None:
            return self.weights_span[1]
        return os.path.getsize(self.weights_path)

    @property
    def weights_format(self) -> str:
        return "safetensors" if self.weights_name == SAFETENSORS_WEIGHTS_FILENAME else "h5"

    @contextlib.contextmanager
    def open_weights(self):
        """The weights as a path, or as a read-only file object over the stored member."""
        if self.weights_span is None:
            yield self.weights_path
            return
        with FileSpan(self.weights_path, *self.weights_span) as span:
            yield span


class FileSpan(io.RawIOBase):
    """Bytes ``offset .. offset + size`` of a file, as a seekable read-only file of their
    own: a stored zip member read in place, with no copy to disk."""

    def __init__(self, path: str, offset: int, size: int):
        super().__init__()
        self._file = open(path, "rb")  # noqa: SIM115  # closed by close()
        self._offset, self._size, self._position = offset, size, 0

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self._position

    def seek(self, position: int, whence: int = os.SEEK_SET) -> int:
        base = {os.SEEK_SET: 0, os.SEEK_CUR: self._position, os.SEEK_END: self._size}[whence]
        self._position = max(0, base + position)
        return self._position

    def readinto(self, buffer) -> int:
        count = min(len(buffer), self._size - self._position)
        if count <= 0:
            return 0
        self._file.seek(self._offset + self._position)
        read = self._file.readinto(memoryview(buffer).cast("B")[:count])
        self._position += read
        return read

    def close(self) -> None:
        self._file.close()
        super().close()


def _check_member_name(filepath: str, name: str) -> None:
    parts = name.replace("\\", "/").split("/")
    unsafe = (
        not name
        or "\\" in name
        or "\x00" in name
        or name.startswith("/")
        or (len(name) > 1 and name[1] == ":")  # a Windows drive: C:…
        or ".." in parts
        or posixpath.normpath(name).startswith("..")
    )
    if unsafe:
        raise UnsafeFileError(
            f"{filepath} is not a safe .keras archive: member {name!r} has an absolute or "
            "parent-relative path. Refusing to read it."
        )


def _limit(name: str) -> int:
    return MAX_WEIGHTS_BYTES if name in WEIGHTS_FILENAMES else MAX_JSON_BYTES


def _weights_name(filepath: str, names) -> str:
    present = [name for name in WEIGHTS_FILENAMES if name in names]
    if len(present) > 1:
        raise SavedFileError(f"{filepath} holds both {present[0]} and {present[1]}.")
    if not present:
        found = sorted(names)[:10]
        hint = " (npz weights are not supported)" if "model.weights.npz" in names else ""
        raise SavedFileError(
            f"{filepath} is not a complete .keras archive: it has no {WEIGHTS_FILENAME}{hint}. "
            f"Members found: {found}."
        )
    return present[0]


def _check_members(filepath: str, archive: zipfile.ZipFile) -> dict:
    """Validates every member's name and declared size; returns ``{name: ZipInfo}``."""
    infos = archive.infolist()
    if len(infos) > _MAX_MEMBERS:
        raise SavedFileError(f"{filepath} has {len(infos)} members; a .keras archive has a few.")
    by_name: dict = {}
    total = 0
    for info in infos:
        _check_member_name(filepath, info.filename)
        if info.filename in by_name:
            raise SavedFileError(f"{filepath} holds member {info.filename!r} twice.")
        if info.flag_bits & 0x1:
            raise SavedFileError(f"{filepath}: member {info.filename!r} is encrypted.")
        # Its local header must lie before the central directory (zipfile seeks there).
        if not 0 <= info.header_offset < archive.start_dir:
            raise SavedFileError(
                f"{filepath} is a corrupted .keras archive: member {info.filename!r} starts at "
                f"byte {info.header_offset}, outside the archive's data "
                f"(0..{archive.start_dir})."
            )
        by_name[info.filename] = info
        total += info.file_size
    if total > MAX_WEIGHTS_BYTES + 2 * MAX_JSON_BYTES:
        raise SavedFileError(f"{filepath} declares {total} uncompressed bytes; refusing it.")
    if CONFIG_FILENAME not in by_name:
        raise SavedFileError(
            f"{filepath} is not a complete .keras archive: it has no {CONFIG_FILENAME}. "
            f"Members found: {sorted(by_name)[:10]}."
        )
    _weights_name(filepath, by_name)
    for name in (CONFIG_FILENAME, METADATA_FILENAME, *WEIGHTS_FILENAMES):
        member = by_name.get(name)
        if member is not None and member.file_size > _limit(name):
            raise SavedFileError(
                f"{filepath}: member {name} declares {member.file_size} bytes, over the "
                f"{_limit(name)}-byte limit."
            )
    return by_name


def _copy_bounded(source, destination, limit: int, label: str) -> None:
    copied = 0
    while True:
        chunk = source.read(_COPY_CHUNK)
        if not chunk:
            return
        copied += len(chunk)
        if copied > limit:
            raise SavedFileError(f"{label} holds more than its declared size; refusing it.")
        destination.write(chunk)


def _read_json_member(archive, info) -> bytes:
    with archive.open(info) as source:
        data = source.read(MAX_JSON_BYTES + 1)
    if len(data) > MAX_JSON_BYTES:
        raise SavedFileError(f"{info.filename} is over the {MAX_JSON_BYTES}-byte limit.")
    return data


def _read_zip(source, folder: str, with_weights: bool) -> ArchiveMembers:
    filepath = source if isinstance(source, str) else "<file object>"
    try:
        with zipfile.ZipFile(source) as archive:
            infos = _check_members(filepath, archive)
            weights_name = _weights_name(filepath, infos)
            config = _read_json_member(archive, infos[CONFIG_FILENAME])
            metadata = None
            if METADATA_FILENAME in infos:
                metadata = _read_json_member(archive, infos[METADATA_FILENAME])
            assets = _read_zip_assets(filepath, archive, infos)
            # A fixed local name: a member's name never becomes a path.
            weights_path = os.path.join(folder, weights_name)
            span = None
            info = infos[weights_name]
            if (
                with_weights
                and isinstance(source, str)
                and info.compress_type == zipfile.ZIP_STORED
            ):
                weights_path, span = source, _stored_span(source, info)
            elif with_weights:
                with archive.open(info) as member, open(weights_path, "wb") as target:
                    _copy_bounded(member, target, info.file_size, f"{filepath}: {weights_name}")
    except (zipfile.BadZipFile, zipfile.LargeZipFile, zlib.error, EOFError) as error:
        raise SavedFileError(
            f"{filepath} is a corrupted or truncated .keras archive: {error}"
        ) from error
    except NotImplementedError as error:  # an unsupported compression method
        raise SavedFileError(f"{filepath}: cannot read this zip archive: {error}") from error
    return ArchiveMembers(
        filepath, config, metadata, weights_path, weights_name, tuple(sorted(infos)), span, assets
    )


def _read_zip_assets(filepath: str, archive, infos: dict) -> dict:
    """The ``assets/`` members' bytes (names were checked by ``_check_members``)."""
    names = [n for n in infos if n.startswith(ASSETS_PREFIX) and not n.endswith("/")]
    total = sum(infos[name].file_size for name in names)
    if total > MAX_ASSETS_BYTES:
        raise SavedFileError(f"{filepath}: its assets declare {total} bytes; refusing them.")
    assets = {}
    for name in names:
        with archive.open(infos[name]) as source:
            data = source.read(infos[name].file_size + 1)
        if len(data) > infos[name].file_size:
            raise SavedFileError(f"{filepath}: {name} holds more than its declared size.")
        assets[name] = data
    return assets


def _read_directory_assets(filepath: str) -> dict:
    """An unzipped archive's ``assets`` folder, links refused, sizes bounded."""
    root = os.path.join(filepath, ASSETS_PREFIX.rstrip("/"))
    assets: dict = {}
    if not os.path.isdir(root) or os.path.islink(root):
        return assets
    total = 0
    for folder, folders, files in os.walk(root):
        for name in folders + files:
            if os.path.islink(os.path.join(folder, name)):
                raise UnsafeFileError(f"{filepath}: asset {name} is a symbolic link; refusing it.")
        for name in files:
            path = os.path.join(folder, name)
            total += os.path.getsize(path)
            if total > MAX_ASSETS_BYTES:
                raise SavedFileError(f"{filepath}: its assets are over {MAX_ASSETS_BYTES} bytes.")
            member = os.path.relpath(path, filepath).replace(os.sep, "/")
            _check_member_name(filepath, member)
            with open(path, "rb") as file:
                assets[member] = file.read()
    return assets


def _stored_span(filepath: str, info: zipfile.ZipInfo) -> tuple[int, int]:
    """(offset, size) of a stored member's bytes in the zip, checked against its local header
    and its CRC-32 (read through once, as extracting it would)."""
    label = f"{filepath}: {info.filename}"
    with open(filepath, "rb") as file:
        file.seek(info.header_offset)
        raw = file.read(_LOCAL_HEADER.size)
        if len(raw) != _LOCAL_HEADER.size:
            raise SavedFileError(f"{label}: the archive is truncated.")
        fields = _LOCAL_HEADER.unpack(raw)
        signature, compression, name_length, extra_length = fields[0], fields[3], *fields[9:]
        name = file.read(name_length)
        if signature != _LOCAL_SIGNATURE or compression != zipfile.ZIP_STORED:
            raise SavedFileError(f"{label}: the member's local header is damaged.")
        if name.decode("utf-8", "replace") != info.filename:
            raise SavedFileError(f"{label}: the local header names another file ({name!r}).")
        offset = info.header_offset + _LOCAL_HEADER.size + name_length + extra_length
        if info.compress_size != info.file_size:
            raise SavedFileError(f"{label}: a stored member's sizes disagree.")
        file.seek(offset)
        checksum, remaining = 0, info.file_size
        while remaining:
            chunk = file.read(min(_COPY_CHUNK, remaining))
            if not chunk:
                raise SavedFileError(f"{label}: the archive is truncated.")
            checksum = zlib.crc32(chunk, checksum)
            remaining -= len(chunk)
    if checksum != info.CRC:
        raise SavedFileError(f"{label}: bad CRC-32; the archive is corrupted.")
    return offset, info.file_size


def _read_directory(filepath: str) -> ArchiveMembers:
    """An unzipped ``.keras`` directory (``save_model(..., zipped=False)``)."""
    names = [name for name in os.listdir(filepath) if not name.startswith(".")]
    weights_name = _weights_name(filepath, names)
    for required in (CONFIG_FILENAME, weights_name):
        path = os.path.join(filepath, required)
        if not os.path.isfile(path) or os.path.islink(path):
            raise SavedFileError(
                f"{filepath} is not a complete .keras directory: no regular file {required}."
            )
    for name in (CONFIG_FILENAME, METADATA_FILENAME, weights_name):
        path = os.path.join(filepath, name)
        if os.path.islink(path):
            raise UnsafeFileError(f"{filepath}: {name} is a symbolic link; refusing to follow it.")
        if os.path.isfile(path) and os.path.getsize(path) > _limit(name):
            raise SavedFileError(f"{filepath}: {name} is over the {_limit(name)}-byte limit.")
    with open(os.path.join(filepath, CONFIG_FILENAME), "rb") as file:
        config = file.read()
    metadata = None
    metadata_path = os.path.join(filepath, METADATA_FILENAME)
    if os.path.isfile(metadata_path):
        with open(metadata_path, "rb") as file:
            metadata = file.read()
    weights_path = os.path.join(filepath, weights_name)
    assets = _read_directory_assets(filepath)
    return ArchiveMembers(
        filepath, config, metadata, weights_path, weights_name, tuple(names), assets=assets
    )


def read_archive(filepath, folder: str, with_weights: bool = True) -> ArchiveMembers:
    """Reads a ``.keras`` zip or directory at ``filepath`` (or a zip in a binary file
    object); a zip's weights member is copied into ``folder`` (a temporary folder the caller
    removes) unless ``with_weights`` is False."""
    if hasattr(filepath, "read"):
        if not zipfile.is_zipfile(filepath):
            raise SavedFileError("The file object does not hold a .keras archive (not a zip).")
        filepath.seek(0)
        return _read_zip(filepath, folder, with_weights)
    if not os.path.exists(filepath):
        raise FileNotFoundError(f"No model file at {filepath}.")
    if os.path.isdir(filepath):
        return _read_directory(filepath)
    if not zipfile.is_zipfile(filepath):
        raise SavedFileError(f"{filepath} is not a .keras archive: it is not a zip file.")
    return _read_zip(filepath, folder, with_weights)


def parse_json(filepath: str, name: str, data: bytes) -> dict:
    """A JSON member's object; anything else is a ``SavedFileError`` naming the member."""
    try:
        value = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as error:
        raise SavedFileError(f"{filepath}: {name} is not valid JSON ({error}).") from error
    if not isinstance(value, dict):
        raise SavedFileError(
            f"{filepath}: {name} must hold a JSON object; found {type(value).__name__}."
        )
    return value


__all__ = [
    "CONFIG_FILENAME",
    "METADATA_FILENAME",
    "SAFETENSORS_WEIGHTS_FILENAME",
    "WEIGHTS_FILENAME",
    "ArchiveMembers",
    "parse_json",
    "read_archive",
]
