"""The examples in the docs and in the docstrings run, and print what they say."""

from __future__ import annotations

import doctest
import importlib
import pkgutil
import re
from pathlib import Path
from typing import Any

import pytest

import rules

ROOT = Path(__file__).resolve().parents[1]
# Pages whose ``>>>`` examples are run; every page with examples belongs here.
PAGES = sorted(p for p in (ROOT / "docs").rglob("*.md") if ">>>" in p.read_text())
FLAGS = doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE


@pytest.mark.parametrize("page", PAGES, ids=lambda p: str(p.relative_to(ROOT)))
def test_doc_page(page: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    result = doctest.testfile(str(page), module_relative=False, optionflags=FLAGS, verbose=False)
    assert result.attempted > 0
    assert result.failed == 0


# Every ```python block of a guide that is not a doctest runs as a program, unless the
# line before it says why not: <!-- not run: REASON --> (the network, a fragment).
_BLOCK = re.compile(
    r"(?:<!-- not run: (?P<reason>[^>]+) -->\n)?^```python\n(?P<code>.*?)^```", re.M | re.S
)
BLOCKS = [
    (page, number, match)
    for page in sorted((ROOT / "docs").rglob("*.md"))
    for number, match in enumerate(_BLOCK.finditer(page.read_text()), 1)
    if ">>>" not in match["code"]
]


@pytest.mark.parametrize(
    ("page", "number", "block"),
    BLOCKS,
    ids=[f"{p.relative_to(ROOT)}#{n}" for p, n, _ in BLOCKS],
)
def test_doc_program(
    page: Path, number: int, block: re.Match[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    if block["reason"]:
        # Not run, and it says why; it must still be valid Python.
        compile(block["code"], f"{page.name}#{number}", "exec")
        return
    monkeypatch.chdir(ROOT)
    namespace: dict[str, Any] = {"__name__": f"docs_{page.stem}_{number}"}
    exec(compile(block["code"], f"{page.name}#{number}", "exec"), namespace)
    # A block that defines tests (docs/testing.md) has them run too.
    tests = [f for name, f in namespace.items() if name.startswith("test_") and callable(f)]
    for test in tests:
        test()


def test_every_python_example_runs() -> None:
    # Every Python block is either a doctest page's (run above) or a program block.
    for page in (ROOT / "docs").rglob("*.md"):
        for match in _BLOCK.finditer(page.read_text()):
            assert ">>>" not in match["code"] or page in PAGES
    assert BLOCKS


MODULES = sorted(
    m.name
    for m in pkgutil.walk_packages(rules.__path__, "rules.")
    if not m.name.startswith("rules.__main__")
)


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    result = doctest.testmod(importlib.import_module(name), optionflags=FLAGS, verbose=False)
    assert result.failed == 0


API = ROOT / "docs" / "api"


def test_the_api_index_names_every_public_name() -> None:
    # docs/api/rules.md: one row per rules.__all__ entry (the strict site build
    # checks that each row's link reaches the documented object).
    text = (API / "rules.md").read_text()
    rows = set(re.findall(r"^\| \[`(\w+)`\]\[", text, re.M))
    assert rows == set(rules.__all__)


def test_every_public_module_has_an_api_page() -> None:
    documented = {
        m
        for page in API.glob("*.md")
        for m in re.findall(r"^::: ([\w.]+)$", page.read_text(), re.M)
    }
    public = {
        name
        for name in MODULES
        if not any(part.startswith("_") for part in name.split("."))
        and not name.startswith(("rules.cli", "rules.examples"))
        and importlib.import_module(name).__doc__  # a package without a docstring has no page
    }
    internal = {  # the machinery behind the documented modules, not an API of its own
        "rules.checker.bounds",
        "rules.checker.checks",
        "rules.checker.counter_filters",
        "rules.checker.eras",
        "rules.checker.explain",
        "rules.checker.fastcode",
        "rules.checker.fastcontext",
        "rules.checker.fastmarket",
        "rules.checker.fastpath",
        "rules.checker.fastread",
        "rules.checker.filters",
        "rules.checker.kinds",
        "rules.checker.list_fast",
        "rules.checker.plans",
        "rules.checker.price_filters",
        "rules.checker.quantity_filters",
        "rules.checker.request",
        "rules.checker.suspects",
        "rules.fixer.limits",
        "rules.fixer.moves",
        "rules.model.builders",
        "rules.model.codegen",
        "rules.model.converter",
    }
    assert public - internal <= documented, sorted(public - internal - documented)
