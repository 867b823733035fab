"""MkDocs hooks (``hooks:`` in mkdocs.yml): the API reference is made from the code at build
time, so it cannot drift from it and no generated page is committed."""

from __future__ import annotations

import inspect
import os
import sys
from pathlib import Path

# The reference describes the API, which is the same on every engine; NumPy imports fastest
# and adds no engine base class (torch's nn.Module) to what the pages inspect.
os.environ["LAMINA_BACKEND"] = "numpy"

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from tools.docs.gen_reference import home_namespaces, reference_nav, reference_pages  # noqa: E402

REFERENCE_TITLE = "API reference"
_ENGINE_MODULES = ("lamina.backend.numpy", "lamina.backend.torch", "lamina.backend.jax")


def _place_public_functions() -> None:
    """Give each public function made at import time the place users reach it by.

    An op is often the engine's function itself, or a wrapper made inside a factory
    (``__qualname__`` ``_unary.<locals>.apply``); mkdocstrings would follow its
    ``__module__`` into the engine folder and fail to find it there. In this (documentation
    only) process, name it after its home namespace instead.
    """
    for (namespace, name), function in home_namespaces().items():
        if not inspect.isfunction(function):
            continue  # classes are found where they are defined
        if hasattr(function, "__wrapped__"):
            # mkdocstrings unwraps: it would show the engine function's docstring, not the
            # op's. Keep the signature, drop the link.
            function.__signature__ = inspect.signature(function)
            del function.__wrapped__
        module = str(getattr(function, "__module__", ""))
        if "<locals>" in function.__qualname__ or module.startswith(_ENGINE_MODULES):
            function.__module__ = namespace
            function.__qualname__ = name


def on_config(config):
    _place_public_functions()
    nav = config["nav"]
    sections = [item for item in nav or () if isinstance(item, dict)]
    if nav is not None and not any(REFERENCE_TITLE in section for section in sections):
        nav.append({REFERENCE_TITLE: reference_nav()})
    return config


def on_files(files, config):
    from mkdocs.structure.files import File

    for path, text in reference_pages().items():
        files.append(File.generated(config, path, content=text))
    return files
