"""Print, or write into tests/test_keras_names.py, the Keras names Lamina still lacks.

    .venv/bin/python tools/keras_names/pending.py            # print missing names per namespace
    .venv/bin/python tools/keras_names/pending.py --write    # rewrite PENDING in place

Names owned by other issues (OWNED_ELSEWHERE in the test) are left out. The answer depends
only on what Lamina exports, not on the engine.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
TEST_FILE = ROOT / "tests" / "test_keras_names.py"
_BLOCK = re.compile(
    r"(# BEGIN PENDING[^\n]*\n)(.*?)(# END PENDING)", flags=re.DOTALL
)


def current_missing() -> dict[str, list[str]]:
    sys.path.insert(0, str(ROOT))
    from tests.keras_names import KERAS_NAMES
    from tests.test_keras_names import missing_names

    found = {namespace: missing_names(namespace) for namespace in KERAS_NAMES}
    return {namespace: names for namespace, names in found.items() if names}


def render(missing: dict[str, list[str]], width: int = 100) -> str:
    if not missing:
        return "PENDING: dict[str, list[str]] = {}\n"
    lines = ["PENDING: dict[str, list[str]] = {"]
    for namespace, names in missing.items():
        lines.append(f'    "{namespace}": [')
        line = "       "
        for name in names:
            item = f' "{name}",'
            if len(line) + len(item) > width:
                lines.append(line)
                line = "       "
            line += item
        lines += [line, "    ],"]
    lines.append("}  # fmt: skip")
    return "\n".join(lines) + "\n"


def main(argv: list[str]) -> int:
    missing = current_missing()
    if "--write" not in argv:
        for namespace, names in missing.items():
            print(f"{namespace} ({len(names)}): {' '.join(names)}")
        print(f"total: {sum(map(len, missing.values()))} names missing")
        return 0
    text = TEST_FILE.read_text()
    if not _BLOCK.search(text):
        print(f"no PENDING markers in {TEST_FILE}", file=sys.stderr)
        return 1
    TEST_FILE.write_text(_BLOCK.sub(lambda m: m.group(1) + render(missing) + m.group(3), text))
    print(f"wrote PENDING: {sum(map(len, missing.values()))} names")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
