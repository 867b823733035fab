"""Every ```python block of the guides (docs/*.md) runs as a test, so the docs cannot rot.

A page's blocks run in order in one namespace (a block may use what an earlier one made), in
a temporary working folder. A block may start with one of these comments, which readers of
the page see too:

- ``# skip: REASON``: never run here (it needs a GPU, the network, minutes of training...);
- ``# engine: torch, jax``: run only on those engines (NumPy cannot train), skipped on the
  others with that reason; later blocks must not depend on what it made.

A block that only includes a file (``--8<-- "examples/mnist_convnet.py"``) is not run here:
the file has its own test.
"""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import pytest

from lamina import backend

DOCS = Path(__file__).resolve().parents[2] / "docs"
# An opening fence at any indentation (a block inside a list or an admonition counts).
_FENCE = re.compile(
    r"^(?P<indent>[ \t]*)```(?P<info>[^\n`]*)\n(?P<body>.*?)^(?P=indent)```", re.M | re.S
)
_INCLUDE = "--8<--"


@dataclasses.dataclass(frozen=True)
class CodeBlock:
    line: int  # the line of the page where the code starts (1-based)
    source: str

    def skip_reason(self, engine: str) -> str | None:
        lines = self.source.lstrip().splitlines()
        first = lines[0].strip() if lines else ""
        if not first:
            return "empty block"
        if first.startswith(_INCLUDE):
            return f"includes {first.removeprefix(_INCLUDE).strip()}, which has its own test"
        if first.startswith("# skip:"):
            return first.removeprefix("# skip:").strip()
        if first.startswith("# engine:"):
            engines = [name.strip() for name in first.removeprefix("# engine:").split(",")]
            if engine not in engines:
                return f"runs on {', '.join(engines)}; the engine is {engine}"
        return None


def python_blocks(text: str) -> list[CodeBlock]:
    """The ```python blocks of a Markdown page, dedented, with where each starts."""
    blocks = []
    for match in _FENCE.finditer(text):
        if match["info"].strip().split(" ")[0] != "python":
            continue
        indent = match["indent"]
        lines = [line.removeprefix(indent) for line in match["body"].splitlines()]
        first_line = text.count("\n", 0, match.start("body")) + 1
        blocks.append(CodeBlock(first_line, "\n".join(lines) + "\n"))
    return blocks


def guide_pages() -> list[Path]:
    return sorted(DOCS.glob("*.md"))


def test_python_blocks_are_found_with_their_markers():
    page = (
        "Text.\n\n```python\nx = 1\n```\n\n"
        "- item\n\n    ```python\n    # engine: torch, jax\n    y = x\n    ```\n\n"
        "```bash\nls\n```\n\n"
        '```python\n--8<-- "examples/mnist_convnet.py"\n```\n\n'
        "```python\n# skip: needs a GPU\nz = 2\n```\n"
    )
    blocks = python_blocks(page)
    assert [block.line for block in blocks] == [4, 10, 19, 23]
    assert blocks[1].source == "# engine: torch, jax\ny = x\n"
    assert [block.skip_reason("numpy") for block in blocks] == [
        None,
        "runs on torch, jax; the engine is numpy",
        'includes "examples/mnist_convnet.py", which has its own test',
        "needs a GPU",
    ]
    assert blocks[1].skip_reason("jax") is None


def test_every_guide_has_code_that_runs():
    pages = guide_pages()
    assert pages, f"no guides under {DOCS}"
    for page in pages:
        blocks = python_blocks(page.read_text())
        assert any(block.skip_reason("torch") is None for block in blocks), (
            f"{page.name} has no ```python block that runs (every guide shows working code)"
        )


@pytest.fixture
def registry_restored():
    """A guide registers its example classes (``register_keras_serializable``): forget them
    afterwards, so that no other test sees them."""
    from lamina.serialization import registration

    tables = (registration._GLOBAL_CUSTOM_OBJECTS, registration._GLOBAL_CUSTOM_NAMES)
    saved = [dict(table) for table in tables]
    yield
    for table, contents in zip(tables, saved):
        table.clear()
        table.update(contents)


@pytest.mark.parametrize("page", guide_pages(), ids=lambda page: page.stem)
@pytest.mark.usefixtures("registry_restored")
def test_guide_code_runs(page, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # blocks that save files write them here
    engine = backend.backend()
    namespace: dict = {"__name__": f"docs_{page.stem.replace('-', '_')}"}
    skipped = []
    for block in python_blocks(page.read_text()):
        reason = block.skip_reason(engine)
        if reason is not None:
            skipped.append(f"line {block.line}: {reason}")
            continue
        # Padding with blank lines makes a traceback name the page's own line numbers.
        code = compile("\n" * (block.line - 1) + block.source, str(page), "exec")
        exec(code, namespace)
    if skipped and len(skipped) == len(python_blocks(page.read_text())):
        pytest.skip("; ".join(skipped))
