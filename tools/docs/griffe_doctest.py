"""A griffe extension (mkdocs.yml, mkdocstrings ``extensions``) that shows docstring examples
as code.

The Google style that mkdocstrings parses reads ``>>>`` lines as code only inside an
``Examples:`` section; elsewhere Markdown takes them for nested quotes. Lamina's docstrings
often put a short ``>>>`` example straight after the summary, and some head a section
``Example:``: this turns each free-standing run of ``>>>`` lines (with the output lines
after it) into a fenced ``pycon`` block, and reads ``Example:`` as ``Examples:``.
"""

from __future__ import annotations

import re

import griffe

_PROMPT = re.compile(r"^(?P<indent>\s*)(>>>|\.\.\.)( |$)")
_EXAMPLES_HEADER = re.compile(r"^(\s*)Example:\s*$")
_FENCE = re.compile(r"^\s*(```|~~~)")


def fence_doctests(text: str) -> str:
    """``text`` with each free-standing ``>>>`` run fenced as ``pycon`` (see the module)."""
    lines = [_EXAMPLES_HEADER.sub(r"\1Examples:", line) for line in text.split("\n")]
    if any(line.strip() == "Examples:" for line in lines):
        return "\n".join(lines)  # the parser reads the section's ``>>>`` lines itself
    result: list[str] = []
    in_fence = False
    index = 0
    while index < len(lines):
        line = lines[index]
        if _FENCE.match(line):
            in_fence = not in_fence
        match = None if in_fence else _PROMPT.match(line)
        if match is None:
            result.append(line)
            index += 1
            continue
        indent = match["indent"]
        block = []
        while index < len(lines) and lines[index].strip():  # prompts, then their output
            block.append(lines[index])
            index += 1
        result += [f"{indent}```pycon", *block, f"{indent}```"]
    return "\n".join(result)


class DoctestBlocks(griffe.Extension):
    def on_instance(self, *, obj: griffe.Object, **kwargs) -> None:
        if obj.docstring is not None:
            obj.docstring.value = fence_doctests(obj.docstring.value)
