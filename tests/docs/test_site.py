"""The documentation site builds with no warnings (``mkdocs build --strict``).

The site is built with the NumPy engine whatever engine the test run uses (the hooks choose
it: the API is the same on every engine), so it is built once, in the NumPy run.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.engine("numpy")
def test_site_builds_without_warnings(tmp_path):
    for module in ("mkdocs", "material", "mkdocstrings_handlers.python"):
        pytest.importorskip(module, reason="the docs tools: pip install -e '.[docs]'")
    site = tmp_path / "site"
    environment = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--quiet", "-f",
         str(ROOT / "mkdocs.yml"), "-d", str(site)],
        capture_output=True, text=True, env=environment, timeout=600, check=False,
        cwd=ROOT,  # mkdocs.yml names the griffe extension by a path from the repository root
    )  # fmt: skip
    assert result.returncode == 0, f"mkdocs build --strict failed:\n{result.stderr[-6000:]}"
    layers_page = (site / "reference" / "lamina.layers" / "index.html").read_text()
    assert 'id="lamina.layers.Dense"' in layers_page
    performance = (site / "performance" / "index.html").read_text()
    assert "per-step overhead" in performance  # the README's figures were included
