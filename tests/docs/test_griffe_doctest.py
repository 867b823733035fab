"""The site's docstring rewrite (tools/docs/griffe_doctest.py): ``>>>`` examples outside an
``Examples:`` section become fenced code, so Markdown does not read them as quotes."""

from __future__ import annotations

import pytest

griffe_doctest = pytest.importorskip(
    "tools.docs.griffe_doctest", reason="the docs tools: pip install -e '.[docs]'"
)


def test_free_standing_prompts_become_fenced_code():
    text = "Summary.\n\n>>> f(1)\n2\n>>> g()\n\nMore text.\n    >>> indented()\n"
    assert griffe_doctest.fence_doctests(text) == (
        "Summary.\n\n```pycon\n>>> f(1)\n2\n>>> g()\n```\n\nMore text.\n"
        "    ```pycon\n    >>> indented()\n    ```\n"
    )


def test_examples_sections_and_fences_are_left_to_the_parser():
    section = "Summary.\n\nExamples:\n    >>> f(1)\n    2\n"
    assert griffe_doctest.fence_doctests(section) == section
    singular = "Summary.\n\nExample:\n    >>> f(1)\n"
    assert griffe_doctest.fence_doctests(singular) == "Summary.\n\nExamples:\n    >>> f(1)\n"
    fenced = "Summary.\n\n```python\n>>> f(1)\n```\n"
    assert griffe_doctest.fence_doctests(fenced) == fenced
