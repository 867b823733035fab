"""Print, or write into tests/docs/test_docstrings.py, the public names still lacking a
docstring.

    .venv/bin/python tools/docs/pending_docstrings.py            # print them, with a count
    .venv/bin/python tools/docs/pending_docstrings.py --write    # rewrite PENDING in place

"Public" is tools/docs/public_api.py's definition. The list is the same on every engine
(the coverage test checks each); this runs on NumPy, the quickest to import.
"""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
TEST_FILE = ROOT / "tests" / "docs" / "test_docstrings.py"
_BLOCK = re.compile(r"(# BEGIN PENDING[^\n]*\n)(.*?)(# END PENDING)", flags=re.DOTALL)


def render(names: list[str]) -> str:
    if not names:
        return "PENDING: frozenset[str] = frozenset()\n"
    # Laid out as ruff format lays it out, so that formatting the test file changes nothing.
    lines = ["PENDING: frozenset[str] = frozenset(", "    {"]
    lines += [f'        "{name}",' for name in names]
    lines += ["    }", ")"]
    return "\n".join(lines) + "\n"


def main(argv: list[str]) -> int:
    os.environ.setdefault("LAMINA_BACKEND", "numpy")
    sys.path.insert(0, str(ROOT))
    from tools.docs.public_api import undocumented

    names = undocumented()
    if "--write" not in argv:
        print("\n".join(names))
        print(f"total: {len(names)} public names without a docstring")
        return 0
    text = TEST_FILE.read_text()
    if not _BLOCK.search(text):
        print(f"no PENDING markers in {TEST_FILE}", file=sys.stderr)
        return 1
    TEST_FILE.write_text(_BLOCK.sub(lambda m: m.group(1) + render(names) + m.group(3), text))
    print(f"wrote PENDING: {len(names)} names")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
