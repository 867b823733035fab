"""get_file: fetch a file once into the cache folder, check its hash, reuse it after."""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
import urllib.error
import urllib.request


def lamina_home() -> str:
    """``$LAMINA_HOME``, else ``~/.lamina``: where Lamina keeps its cache."""
    return os.environ.get("LAMINA_HOME") or os.path.join(os.path.expanduser("~"), ".lamina")


def hash_file(path, algorithm="sha256", chunk_size=1 << 20) -> str:
    digest = hashlib.new(algorithm)
    with open(path, "rb") as file:
        for chunk in iter(lambda: file.read(chunk_size), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _accepted(file_hashes) -> set:
    if file_hashes is None:
        return set()
    if isinstance(file_hashes, str):
        return {file_hashes.lower()}
    return {value.lower() for value in file_hashes}


def validate_file(path, file_hashes, algorithm="sha256") -> bool:
    """True when ``path`` hashes to one of ``file_hashes`` (or none is given)."""
    accepted = _accepted(file_hashes)
    return not accepted or hash_file(path, algorithm) in accepted


class DownloadError(OSError):
    """A file was not cached and could not be downloaded."""


def get_file(
    fname,
    origin,
    file_hash=None,
    cache_subdir="datasets",
    cache_dir=None,
    extra_search_dirs=(),
) -> str:
    """Returns the local path of ``fname``, downloading it from ``origin`` if needed.

    Args:
        fname: the file's name in the cache.
        origin: its URL (``https://…`` or ``file://…``).
        file_hash: one sha256 or several accepted ones; a file that does not match is
            refused (a cached one is downloaded again).
        cache_subdir: the folder under ``cache_dir``.
        cache_dir: defaults to ``$LAMINA_HOME`` (``~/.lamina``).
        extra_search_dirs: other folders searched first, such as an existing Keras cache.
    """
    cache_dir = cache_dir or lamina_home()
    target_dir = os.path.join(cache_dir, cache_subdir)
    target = os.path.join(target_dir, fname)
    for directory in (target_dir, *extra_search_dirs):
        candidate = os.path.join(directory, fname)
        if os.path.isfile(candidate) and validate_file(candidate, file_hash):
            return candidate
    os.makedirs(target_dir, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=target_dir, suffix=".part")
    os.close(handle)
    try:
        try:
            with (
                urllib.request.urlopen(origin, timeout=60) as response,
                open(temporary, "wb") as out,
            ):
                shutil.copyfileobj(response, out)
        except (urllib.error.URLError, OSError) as error:
            raise DownloadError(
                f"Could not download {fname} from {origin} ({error}). It is not in the cache "
                f"folder {target_dir}: copy the file there (or set LAMINA_HOME to a folder "
                f"whose {cache_subdir}/ holds it) to work offline."
            ) from error
        if not validate_file(temporary, file_hash):
            raise ValueError(
                f"The file downloaded from {origin} has sha256 {hash_file(temporary)}, "
                f"which is none of the expected {sorted(_accepted(file_hash))}: it may be "
                "corrupted or tampered with, so it was not kept."
            )
        os.replace(temporary, target)
    finally:
        if os.path.exists(temporary):
            os.remove(temporary)
    return target


__all__ = ["DownloadError", "get_file", "hash_file", "lamina_home", "validate_file"]
