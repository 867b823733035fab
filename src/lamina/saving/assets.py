"""Assets of a ``.keras`` archive: files an object writes with ``save_assets(folder)`` and
reads back with ``load_assets(folder)`` (the lookup layers' ``vocabulary.txt``).

Keras 3 stores them as ``assets/<object path>/<file>`` members, the object path being the
one its weights use (``layers/string_lookup``). Saving collects them in a temporary folder
and returns them as members; loading writes the checked members (``archive`` read them,
names validated, sizes bounded) into the caller's temporary folder, never by a path the
file chose outside it, and hands each object its own folder.
"""

from __future__ import annotations

import os
import tempfile

from lamina.saving.archive import ASSETS_PREFIX
from lamina.saving.errors import UnsafeFileError


def asset_members(objects) -> dict:
    """``{"assets/<path>/<file>": bytes}`` for every object with a ``save_assets`` method."""
    savers = [saved for saved in objects if callable(getattr(saved.owner, "save_assets", None))]
    if not savers:
        return {}
    members = {}
    with tempfile.TemporaryDirectory(prefix="lamina-assets-") as root:
        for saved in savers:
            folder = os.path.join(root, *saved.path.split("/")) if saved.path else root
            os.makedirs(folder, exist_ok=True)
            saved.owner.save_assets(folder)
        for folder, _, files in os.walk(root):
            for name in sorted(files):
                path = os.path.join(folder, name)
                relative = os.path.relpath(path, root).replace(os.sep, "/")
                with open(path, "rb") as file:
                    members[ASSETS_PREFIX + relative] = file.read()
    return members


def _write_members(assets: dict, root: str) -> None:
    real_root = os.path.realpath(root)
    for name, data in assets.items():
        parts = name[len(ASSETS_PREFIX) :].split("/")
        path = os.path.realpath(os.path.join(root, *parts))
        if os.path.commonpath([real_root, path]) != real_root:
            raise UnsafeFileError(f"Asset member {name!r} points outside the archive.")
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb") as file:
            file.write(data)


def restore_assets(objects, assets: dict, folder: str) -> None:
    """Writes ``assets`` under ``folder`` and calls each object's ``load_assets``."""
    loaders = [saved for saved in objects if callable(getattr(saved.owner, "load_assets", None))]
    if not assets or not loaders:
        return
    root = os.path.join(folder, "assets")
    os.makedirs(root, exist_ok=True)
    _write_members(assets, root)
    for saved in loaders:
        own = os.path.join(root, *saved.path.split("/")) if saved.path else root
        os.makedirs(own, exist_ok=True)
        saved.owner.load_assets(own)


__all__ = ["asset_members", "restore_assets"]
