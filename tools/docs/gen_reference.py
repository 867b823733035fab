"""Write the API reference pages from the code: one Markdown page per public namespace.

    .venv/bin/python tools/docs/gen_reference.py --out /tmp/reference   # look at the pages

The site does not need this command: ``mkdocs build`` makes the same pages in memory
(``tools/docs/mkdocs_hooks.py``), so the reference always matches the code and no generated
file is committed. Each page holds one mkdocstrings ``:::`` block per public name of its
namespace (``tools/docs/public_api.py`` says which). An object exported by several
namespaces (``lamina.Model`` is ``lamina.models.Model``) is documented once, in the most
specific of them, and the others link to it.
"""

from __future__ import annotations

import argparse
import importlib
import inspect
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from tools.docs.public_api import CORE_CLASSES, namespaces, public_names  # noqa: E402

REFERENCE_DIR = "reference"


def page_path(namespace: str) -> str:
    """Where a namespace's page lives, relative to docs/ (``reference/lamina.layers.md``)."""
    return f"{REFERENCE_DIR}/{namespace}.md"


def _homes(all_namespaces: list[str]) -> dict[int, str]:
    """For each public object (by identity), the dotted path that documents it in full: the
    most specific namespace that exports it, under the name it has there."""
    homes: dict[int, str] = {}
    for namespace in all_namespaces:
        module = importlib.import_module(namespace)
        for name in public_names(namespace):
            key = id(getattr(module, name))
            current = homes.get(key)
            # A namespace path has one dot less than the paths of its names.
            if current is None or namespace.count(".") >= current.count("."):
                homes[key] = f"{namespace}.{name}"
    return homes


def home_namespaces() -> dict[tuple[str, str], object]:
    """{(home namespace, name): object} for every public callable made outside a namespace
    module, each once."""
    all_namespaces = namespaces()
    homes = _homes(all_namespaces)
    found = {}
    for namespace in all_namespaces:
        module = importlib.import_module(namespace)
        for name in public_names(namespace):
            value = getattr(module, name)
            if homes[id(value)] == f"{namespace}.{name}":
                found[(namespace, name)] = value
    return found


def _summary(namespace: str) -> str:
    doc = inspect.getdoc(importlib.import_module(namespace)) or ""
    return doc.split("\n\n")[0].replace("\n", " ").strip()


def render_page(namespace: str, homes: dict[int, str]) -> str:
    module = importlib.import_module(namespace)
    names = sorted(public_names(namespace), key=str.lower)
    lines = [f"# `{namespace}`", ""]
    summary = _summary(namespace)
    if summary:
        lines += [summary, ""]
    children = [child for child in namespaces() if child.rpartition(".")[0] == namespace]
    if children:
        lines.append("Namespaces: " + ", ".join(f"[`{c}`]({c}.md)" for c in children) + ".")
        lines.append("")
    elsewhere = []
    for name in names:
        home = homes[id(getattr(module, name))]
        if home != f"{namespace}.{name}":
            elsewhere.append(f"- [`{name}`][{home}]: `{home}`")
            continue
        lines += [f"::: {namespace}.{name}"]
        if f"{namespace}.{name}" in CORE_CLASSES:  # Model.fit is the Trainer's: show it here
            lines += ["    options:", "      inherited_members: true"]
        lines.append("")
    if elsewhere:
        lines += ["## Also in this namespace", ""] + elsewhere + [""]
    return "\n".join(lines)


def reference_pages() -> dict[str, str]:
    """Every reference page, as {path relative to docs/: Markdown}."""
    all_namespaces = namespaces()
    homes = _homes(all_namespaces)
    return {page_path(namespace): render_page(namespace, homes) for namespace in all_namespaces}


def reference_nav() -> list:
    """The reference's navigation for mkdocs.yml's ``nav``: a namespace that holds others is
    a section whose first page is its own."""
    all_namespaces = namespaces()

    def entry(namespace: str):
        title = namespace if namespace == "lamina" else namespace.removeprefix("lamina.")
        children = [child for child in all_namespaces if child.rpartition(".")[0] == namespace]
        if not children or namespace == "lamina":
            return {title: page_path(namespace)}
        return {title: [page_path(namespace)] + [entry(child) for child in children]}

    top_level = [ns for ns in all_namespaces if ns.count(".") == 1]
    return [entry("lamina")] + [entry(namespace) for namespace in top_level]


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", required=True, help="folder to write the pages into")
    args = parser.parse_args(argv)
    for path, text in reference_pages().items():
        target = Path(args.out) / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text)
    print(f"wrote {len(namespaces())} pages under {args.out}")
    return 0


if __name__ == "__main__":
    os.environ.setdefault("LAMINA_BACKEND", "numpy")
    sys.exit(main(sys.argv[1:]))
