"""get_file: fetch a file once into the cache folder, check its hash, reuse it after."""

from __future__ import annotations

import hashlib
import os
import shutil
import tarfile
import tempfile
import urllib.error
import urllib.parse
import urllib.request
import zipfile


def lamina_home() -> str:
    """``$LAMINA_HOME``, else ``~/.lamina``: where Lamina keeps its cache."""
    return os.environ.get("LAMINA_HOME") or os.path.join(os.path.expanduser("~"), ".lamina")


def _hasher(algorithm, file_hash=None):
    """Keras's rule: "auto" means sha256 for a 64-digit hash and md5 otherwise."""
    if algorithm == "auto":
        return "sha256" if file_hash is not None and len(file_hash) == 64 else "md5"
    if algorithm not in ("sha256", "md5"):
        raise ValueError(
            f"hash_algorithm must be 'auto', 'sha256' or 'md5'; received {algorithm!r}."
        )
    return algorithm


def hash_file(path, algorithm="sha256", chunk_size=1 << 20) -> str:
    digest = hashlib.new(_hasher(algorithm))
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
    if not accepted:
        return True
    return any(hash_file(path, _hasher(algorithm, value)) == value for value in accepted)


class DownloadError(OSError):
    """A file was not cached and could not be downloaded."""


def _target_paths(fname, origin, datadir, extract):
    """(download target, extraction folder) under ``datadir``, by Keras 3.15's naming."""
    provided = fname is not None and str(fname) != ""
    fname = os.fspath(fname) if provided else ""
    if not provided:
        fname = os.path.basename(urllib.parse.urlsplit(origin).path)
        if not fname:
            raise ValueError(
                f"get_file: cannot take a file name from origin={origin!r}; pass fname."
            )
    elif os.sep in fname or (os.altsep and os.altsep in fname):
        raise ValueError(
            "get_file: fname must be a file name, not a path (use cache_dir or cache_subdir for "
            f"the folder); received fname={fname!r}."
        )
    if not extract:
        return os.path.join(datadir, fname), None
    if provided and "." in fname:  # "data.tar.gz": archive kept as is, extracted to data_extracted
        stem = fname[: fname.find(".")]
        return os.path.join(datadir, fname), os.path.join(datadir, f"{stem}_extracted")
    return os.path.join(datadir, f"{fname}_archive"), os.path.join(datadir, fname)


def _inside(folder: str, member: str) -> bool:
    destination = os.path.realpath(os.path.join(folder, member))
    return os.path.commonpath([os.path.realpath(folder), destination]) == os.path.realpath(folder)


def _extract(archive, folder, archive_format) -> None:
    """Extract a tar or zip archive into ``folder``; members that would land outside it (absolute
    paths, ``..``, links out) are refused, never written."""
    formats = ["tar", "zip"] if archive_format == "auto" else archive_format
    formats = [formats] if isinstance(formats, str) else list(formats or ())
    for kind in formats:
        if kind == "tar" and tarfile.is_tarfile(archive):
            with tarfile.open(archive) as opened:
                opened.extractall(folder, filter="data")  # the stdlib's safe-extraction filter
            return
        if kind == "zip" and zipfile.is_zipfile(archive):
            with zipfile.ZipFile(archive) as opened:
                unsafe = [name for name in opened.namelist() if not _inside(folder, name)]
                if unsafe:
                    raise ValueError(
                        f"get_file: the archive {archive} has members outside its folder: "
                        f"{unsafe[:5]}; nothing was extracted."
                    )
                opened.extractall(folder)
            return
        if kind not in ("tar", "zip"):
            raise ValueError(
                f"get_file: archive_format must be 'auto', 'tar', 'zip' or a list of them; "
                f"received {archive_format!r}."
            )
    raise ValueError(
        f"get_file: {archive} is not an archive of format {formats}; it could not be extracted."
    )


def _download(origin, target, file_hash, hash_algorithm) -> None:
    """Fetch ``origin`` into ``target`` through a temporary file; a failed download or a file
    with the wrong hash leaves nothing behind."""
    folder = os.path.dirname(target)
    handle, temporary = tempfile.mkstemp(dir=folder, suffix=".part")
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
                f"Could not download {os.path.basename(target)} from {origin} ({error}). It is "
                f"not in the cache folder {folder}: copy the file there (or set LAMINA_HOME to "
                "a folder that holds it) to work offline."
            ) from error
        if not validate_file(temporary, file_hash, hash_algorithm):
            algorithm = _hasher(hash_algorithm, next(iter(_accepted(file_hash))))
            raise ValueError(
                f"The file downloaded from {origin} has {algorithm} "
                f"{hash_file(temporary, algorithm)}, which is none of the expected "
                f"{sorted(_accepted(file_hash))}: it may be corrupted or tampered with, so it "
                "was not kept."
            )
        os.replace(temporary, target)
    finally:
        if os.path.exists(temporary):
            os.remove(temporary)


def get_file(
    fname=None,
    origin=None,
    untar=False,
    md5_hash=None,
    file_hash=None,
    cache_subdir="datasets",
    hash_algorithm="auto",
    extract=False,
    archive_format="auto",
    cache_dir=None,
    force_download=False,
    *,
    extra_search_dirs=(),
) -> str:
    """Returns the local path of the file at ``origin``, downloading it unless cached.

    Args:
        fname: the file's name in the cache; None takes the last part of ``origin``'s path.
            With ``extract``, a name with a dot (``"data.tar.gz"``) is extracted into
            ``data_extracted``, one without (``"data"``) into ``data`` (as Keras 3.15).
        origin: its URL (``https://…`` or ``file://…``).
        untar: Keras's deprecated spelling of ``extract`` (tar).
        md5_hash: Keras's deprecated spelling of an md5 ``file_hash``.
        file_hash: the expected hash (or several accepted ones). A cached file that does not
            match is downloaded again; a download that does not match is refused.
        cache_subdir: the folder under ``cache_dir`` (an absolute path is used as is).
        hash_algorithm: ``"sha256"``, ``"md5"`` or ``"auto"`` (sha256 for a 64-digit hash).
        extract: extract the tar or zip archive and return the extraction folder.
        archive_format: ``"auto"`` (tar, then zip), ``"tar"``, ``"zip"`` or a list of them.
        cache_dir: defaults to ``$LAMINA_HOME`` (``~/.lamina``).
        force_download: download again even when the file is cached.
        extra_search_dirs: other folders searched first, such as an existing Keras cache.
    """
    if origin is None:
        raise ValueError("get_file: origin (the URL of the file to download) must be given.")
    if md5_hash is not None and file_hash is None:
        file_hash, hash_algorithm = md5_hash, "md5"
    if untar:
        extract, archive_format = True, "tar"
    _hasher(hash_algorithm)  # refuse an unknown algorithm before touching the disk
    datadir = os.path.join(os.path.expanduser(cache_dir or lamina_home()), cache_subdir)
    target, extraction_dir = _target_paths(fname, origin, datadir, extract)
    if not force_download and not extract:
        for directory in (datadir, *extra_search_dirs):
            candidate = os.path.join(directory, os.path.basename(target))
            if os.path.isfile(candidate) and validate_file(candidate, file_hash, hash_algorithm):
                return candidate
    downloaded = False
    if force_download or not (
        os.path.isfile(target) and validate_file(target, file_hash, hash_algorithm)
    ):
        os.makedirs(datadir, exist_ok=True)
        _download(origin, target, file_hash, hash_algorithm)
        downloaded = True
    if extraction_dir is None:
        return target
    if downloaded or not os.path.isdir(extraction_dir):
        # Extracted beside the folder first, so a refused archive leaves no half-written one.
        partial = tempfile.mkdtemp(dir=datadir, suffix=".part")
        try:
            _extract(target, partial, archive_format)
            if os.path.isdir(extraction_dir):
                shutil.rmtree(extraction_dir)  # a fresh download replaces the old contents
            os.replace(partial, extraction_dir)
        finally:
            if os.path.isdir(partial):
                shutil.rmtree(partial)
    return extraction_dir


__all__ = ["DownloadError", "get_file", "hash_file", "lamina_home", "validate_file"]
