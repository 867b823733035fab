"""Writes ``.keras`` zip archives whose HDF5 weights go straight into the zip, written once.

A zip member stored uncompressed is its bytes, preceded by a 30-byte local header and its
name. HDF5 can leave a "user block" of 512 bytes at the start of a file and put its own data
after it (addresses are relative to the superblock, so the bytes after the user block are a
complete HDF5 file on their own). So the weights are written by h5py into the final
archive's temporary file with a 512-byte user block, the member's local header is written
into that block (padded to end exactly where the HDF5 data begins), and the JSON members and
the central directory are appended with ``zipfile``. The weights are never copied: saving a
large model writes its bytes once and reads them back once for the CRC-32.

Any zip reader sees an ordinary archive (Keras 3 and ``zipfile`` read it); extracting
``model.weights.h5`` gives the HDF5 file.
"""

from __future__ import annotations

import struct
import time
import zipfile
import zlib

import h5py

USER_BLOCK = 512
_LOCAL_HEADER = struct.Struct("<4s5H3L2H")
_ZIP64_EXTRA = struct.Struct("<2H2Q")  # id 0x0001, size 16, uncompressed, compressed sizes
_PADDING_ID = 0xD935  # the extra-field id zip aligners use for padding; readers skip it
_ZIP64_LIMIT = 0xFFFFFFFF
_CHUNK = 16 << 20


def _dos_time(date_time) -> tuple[int, int]:
    year, month, day, hour, minute, second = date_time
    return hour << 11 | minute << 5 | second // 2, (year - 1980) << 9 | month << 5 | day


def _local_header(name: str, size: int, crc: int, date_time) -> bytes:
    encoded = name.encode("ascii")
    is_zip64 = size >= _ZIP64_LIMIT
    extra = _ZIP64_EXTRA.pack(1, 16, size, size) if is_zip64 else b""
    padding = USER_BLOCK - _LOCAL_HEADER.size - len(encoded) - len(extra) - 4
    extra += struct.pack("<2H", _PADDING_ID, padding) + bytes(padding)
    dos_time, dos_date = _dos_time(date_time)
    stored = _ZIP64_LIMIT if is_zip64 else size
    version = 45 if is_zip64 else 20
    header = _LOCAL_HEADER.pack(
        b"PK\x03\x04", version, 0, zipfile.ZIP_STORED, dos_time, dos_date, crc, stored, stored,
        len(encoded), len(extra),
    )  # fmt: skip
    return header + encoded + extra


def _checksum(file, start: int, end: int) -> int:
    file.seek(start)
    crc, remaining = 0, end - start
    while remaining:
        chunk = file.read(min(_CHUNK, remaining))
        crc = zlib.crc32(chunk, crc)
        remaining -= len(chunk)
    return crc


def write_h5_archive(path: str, json_members: dict, weights_name: str, write_weights) -> None:
    """Writes the archive at ``path``: ``write_weights(h5_file)`` fills an HDF5 file that
    becomes the stored member ``weights_name``; ``json_members`` ({name: bytes}) follow."""
    with h5py.File(path, "w", userblock_size=USER_BLOCK) as h5_file:
        write_weights(h5_file)
    date_time = time.localtime(time.time())[:6]
    with open(path, "r+b") as file:
        end = file.seek(0, 2)
        size = end - USER_BLOCK
        crc = _checksum(file, USER_BLOCK, end)
        file.seek(0)
        file.write(_local_header(weights_name, size, crc, date_time))
    info = zipfile.ZipInfo(weights_name, date_time)
    info.compress_type = zipfile.ZIP_STORED
    info.file_size = info.compress_size = size
    info.CRC = crc
    info.header_offset = 0
    info.external_attr = 0o600 << 16
    # A file that is not yet a zip is appended to: zipfile writes the JSON members after the
    # HDF5 data, then one central directory that lists the weights member too.
    with zipfile.ZipFile(path, "a") as archive:
        for name, data in json_members.items():
            archive.writestr(name, data)
        archive.filelist.append(info)
        archive.NameToInfo[weights_name] = info


__all__ = ["USER_BLOCK", "write_h5_archive"]
