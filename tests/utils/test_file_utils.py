"""utils.get_file's Keras 3.15 arguments, served by a local HTTP server (no network)."""

import functools
import hashlib
import http.server
import io
import os
import tarfile
import threading
import zipfile
from pathlib import Path

import pytest

from lamina import utils
from lamina.utils import file_utils


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    requests: list = []

    def log_message(self, format, *args):  # keep the test output clean
        pass

    def do_GET(self):
        _QuietHandler.requests.append(self.path)
        super().do_GET()


@pytest.fixture
def served(tmp_path, monkeypatch):
    """(folder served at the URL, base URL); each request path is recorded."""
    root = tmp_path / "served"
    root.mkdir()
    handler = functools.partial(_QuietHandler, directory=str(root))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
    thread.start()
    monkeypatch.setenv("LAMINA_HOME", str(tmp_path / "home"))
    _QuietHandler.requests = []
    try:
        yield root, f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def _tar_gz(members: dict) -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as archive:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
    return buffer.getvalue()


def _zip(members: dict) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def test_fname_defaults_to_the_origin_name_and_the_cache_is_reused(served, tmp_path):
    root, url = served
    (root / "payload.bin").write_bytes(b"payload")
    path = utils.get_file(origin=f"{url}/payload.bin")
    assert path == str(tmp_path / "home" / "datasets" / "payload.bin")
    assert Path(path).read_bytes() == b"payload"
    (root / "payload.bin").write_bytes(b"changed")
    assert Path(utils.get_file(origin=f"{url}/payload.bin")).read_bytes() == b"payload"
    assert len(_QuietHandler.requests) == 1  # the second call used the cache
    path = utils.get_file(origin=f"{url}/payload.bin", force_download=True)
    assert Path(path).read_bytes() == b"changed"
    assert len(_QuietHandler.requests) == 2


def test_hash_algorithms(served):
    root, url = served
    (root / "data.txt").write_bytes(b"abc")
    md5 = hashlib.md5(b"abc").hexdigest()
    sha = hashlib.sha256(b"abc").hexdigest()
    assert utils.get_file("a.txt", f"{url}/data.txt", file_hash=md5).endswith("a.txt")  # auto
    assert utils.get_file("b.txt", f"{url}/data.txt", md5_hash=md5).endswith("b.txt")
    utils.get_file("c.txt", f"{url}/data.txt", file_hash=sha, hash_algorithm="sha256")
    with pytest.raises(ValueError, match="tampered"):
        utils.get_file("d.txt", f"{url}/data.txt", file_hash=sha, hash_algorithm="md5")
    with pytest.raises(ValueError, match="hash_algorithm"):
        utils.get_file("e.txt", f"{url}/data.txt", hash_algorithm="sha1")


@pytest.mark.parametrize(
    ("fname", "archive_name", "folder", "kept"),
    [
        ("data.tar.gz", "data.tar.gz", "data_extracted", "data.tar.gz"),
        ("data", "data.tar.gz", "data", "data_archive"),
        (None, "pack.zip", "pack.zip", "pack.zip_archive"),
    ],
)
def test_extract_names_folders_as_keras(served, tmp_path, fname, archive_name, folder, kept):
    root, url = served
    members = {"inner/a.txt": b"a", "b.txt": b"bb"}
    data = _zip(members) if archive_name.endswith(".zip") else _tar_gz(members)
    (root / archive_name).write_bytes(data)
    path = utils.get_file(fname, f"{url}/{archive_name}", extract=True)
    datasets = tmp_path / "home" / "datasets"
    assert path == str(datasets / folder)
    assert (datasets / kept).read_bytes() == data
    assert (Path(path) / "inner" / "a.txt").read_bytes() == b"a"
    assert utils.get_file(fname, f"{url}/{archive_name}", extract=True) == path
    assert len(_QuietHandler.requests) == 1


def test_untar_and_cache_subdir(served, tmp_path):
    root, url = served
    (root / "t.tar.gz").write_bytes(_tar_gz({"x.txt": b"x"}))
    path = utils.get_file("t.tar.gz", f"{url}/t.tar.gz", untar=True, cache_subdir="mine",
                          cache_dir=str(tmp_path / "cache"))  # fmt: skip
    assert path == str(tmp_path / "cache" / "mine" / "t_extracted")
    assert os.path.isfile(os.path.join(path, "x.txt"))


def test_unsafe_or_unknown_archives_are_refused(served, tmp_path):
    root, url = served
    (root / "evil.zip").write_bytes(_zip({"../escape.txt": b"x"}))
    with pytest.raises(ValueError, match="outside"):
        utils.get_file("evil.zip", f"{url}/evil.zip", extract=True)
    assert not (tmp_path / "home" / "datasets" / "escape.txt").exists()
    assert not (tmp_path / "home" / "datasets" / "evil_extracted").exists()
    (root / "plain.txt").write_bytes(b"not an archive")
    with pytest.raises(ValueError, match="not an archive"):
        utils.get_file("plain.txt", f"{url}/plain.txt", extract=True)


def test_bad_arguments_raise(served):
    _, url = served
    with pytest.raises(ValueError, match="origin"):
        utils.get_file("x.txt")
    with pytest.raises(ValueError, match="not a path"):
        utils.get_file(os.path.join("sub", "x.txt"), f"{url}/x.txt")
    with pytest.raises(ValueError, match="fname"):
        utils.get_file(origin=f"{url}/")
    with pytest.raises(file_utils.DownloadError, match="missing.txt"):
        utils.get_file(origin=f"{url}/missing.txt")
