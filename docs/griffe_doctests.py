"""A griffe extension for the docs site: docstring examples render as code.

The docstrings hold doctests (``>>>`` lines and their output) in their text, as
``tests/test_docs.py`` runs them. Markdown would read ``>>>`` as nested quotes
and ``['X']`` as a link; this wraps each run of example lines in a ``pycon``
fence before mkdocstrings renders the docstring. Only the site sees the change.
"""

from __future__ import annotations

from typing import Any

import griffe


def fence_examples(text: str) -> str:
    """``text`` with every doctest block (``>>>`` to the next blank line) fenced.

    A block already inside a fence is left alone.
    """
    out: list[str] = []
    lines = text.splitlines()
    fenced = in_block = False
    indent = ""
    for line in lines:
        stripped = line.lstrip()
        if stripped.startswith("```"):
            fenced = not fenced
        if not fenced and not in_block and stripped.startswith(">>>"):
            indent = line[: len(line) - len(stripped)]
            out.append(f"{indent}```pycon")
            in_block = True
        elif in_block and not stripped:
            out.append(f"{indent}```")
            in_block = False
        out.append(line)
    if in_block:
        out.append(f"{indent}```")
    return "\n".join(out)


class FenceDoctests(griffe.Extension):
    """Fence the doctest examples of every docstring (see :func:`fence_examples`)."""

    def on_object(self, *, obj: griffe.Object, **kwargs: Any) -> None:
        if obj.docstring is not None and ">>>" in obj.docstring.value:
            obj.docstring.value = fence_examples(obj.docstring.value)

    def on_alias(self, *, alias: griffe.Alias, **kwargs: Any) -> None:
        return None
