import urllib.error
import urllib.request

import pytest


@pytest.fixture
def cache(tmp_path, monkeypatch):
    """Empty Lamina and Keras caches under tmp_path; only file:// URLs can be fetched."""
    monkeypatch.setenv("LAMINA_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("KERAS_HOME", str(tmp_path / "keras"))
    real_urlopen = urllib.request.urlopen

    def offline(url, *args, **kwargs):
        if str(url).startswith("file://"):
            return real_urlopen(url, *args, **kwargs)
        raise urllib.error.URLError("network disabled in tests")

    monkeypatch.setattr(urllib.request, "urlopen", offline)
    return tmp_path
