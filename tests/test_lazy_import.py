"""``import rules`` loads its public names on first use (PEP 562), and loses none of them."""

from __future__ import annotations

import ast
import importlib
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

import rules

INIT = Path(rules.__file__)


def _type_checking_imports() -> dict[str, str]:
    """The names imported under ``if TYPE_CHECKING:`` in rules/__init__.py, and their modules."""
    tree = ast.parse(INIT.read_text(encoding="utf-8"))
    (block,) = [
        node
        for node in tree.body
        if isinstance(node, ast.If) and isinstance(node.test, ast.Name)
        if node.test.id == "TYPE_CHECKING"
    ]
    found: dict[str, str] = {}
    for node in block.body:
        assert isinstance(node, ast.ImportFrom)
        assert node.module is not None
        for alias in node.names:
            found[alias.name] = node.module
    return found


def test_the_table_the_type_imports_and_all_agree() -> None:
    sources = rules._SOURCES
    assert set(sources) == set(rules.__all__)
    assert _type_checking_imports() == sources


@pytest.mark.parametrize("name", sorted(rules.__all__))
def test_every_name_is_its_modules_object(name: str) -> None:
    value = getattr(rules, name)
    assert value is getattr(importlib.import_module(rules._SOURCES[name]), name)
    assert name in dir(rules)


def test_an_unknown_name_is_an_attribute_error() -> None:
    with pytest.raises(AttributeError, match="module 'rules' has no attribute 'evaluat'"):
        rules.evaluat  # type: ignore[attr-defined]  # noqa: B018
    with pytest.raises(ImportError):
        exec("from rules import evaluat", {})


def _fresh(code: str) -> str:
    done = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        cwd=INIT.parents[1],
    )
    return done.stdout.strip()


def test_import_rules_imports_no_subpackage_and_no_dependency() -> None:
    code = (
        "import sys, rules; print(sorted(m for m in sys.modules"
        " if m.startswith(('rules.', 'attr', 'cattrs', 'websocket', 'hypothesis'))))"
    )
    assert _fresh(code) == "[]"


def test_what_each_use_imports() -> None:
    # The checker needs neither the loader's converter (cattrs) nor the edge;
    # using every public name still never imports websocket or hypothesis.
    code = (
        "import sys, rules; rules.evaluate; rules.Context;"
        " print('cattrs' in sys.modules, 'rules.edge.cache' in sys.modules,"
        " 'rules.fixer.propose' in sys.modules);"
        " [getattr(rules, n) for n in rules.__all__];"
        " print(sorted(m for m in ('websocket', 'hypothesis') if m in sys.modules))"
    )
    assert _fresh(code).splitlines() == ["False False False", "[]"]


def test_star_import_gives_every_name() -> None:
    namespace: dict[str, object] = {}
    exec("from rules import *", namespace)
    assert set(rules.__all__) <= set(namespace)


def test_the_subpackages_a_bare_import_reached_are_still_reached() -> None:
    code = (
        "import rules; print(rules.errors.RateLimitedError.__name__,"
        " rules.model.models.SymbolInfo.__name__, rules.checker.evaluate.evaluate.__name__,"
        " rules.fixer.rounding.round_price.__name__, rules.edge.cache.SnapshotCache.__name__)"
    )
    assert _fresh(code) == "RateLimitedError SymbolInfo evaluate round_price SnapshotCache"
    assert {"checker", "edge", "errors", "fixer", "model"} <= set(dir(rules))
    # rules.testing (Hypothesis) was not reached by a bare import before either.
    assert _fresh(
        "import rules, sys; print(hasattr(rules, 'testing'), 'hypothesis' in sys.modules)"
    ) == ("False False")


def test_loading_a_good_snapshot_needs_no_cattrs() -> None:
    # rules.model.builders builds it; the converter is for errors and dump (issue 11).
    code = (
        'import sys, rules; rules.loads(\'{"symbols": [{"symbol": "X", "baseAsset": "A",'
        ' "quoteAsset": "B", "filters": [{"filterType": "ICEBERG_PARTS", "limit": 10}]}]}\');'
        " print('cattrs' in sys.modules, 'rules.model.converter' in sys.modules);"
        " rules.dumps(rules.loads('{\"symbols\": []}')); print('cattrs' in sys.modules)"
    )
    assert _fresh(code).splitlines() == ["False False", "True"]


@pytest.mark.parametrize(
    ("argv", "imported"),
    [
        (["check", "--help"], ["rules.cli.check"]),
        (["fix", "--help"], ["rules.cli.fix"]),
        (["ping", "--help"], ["rules.cli.fetch"]),
        (
            ["--help"],
            sorted(f"rules.cli.{m}" for m in ("check", "fix", "show", "diff", "fetch", "watch")),
        ),
    ],
)
def test_a_command_imports_only_its_module(argv: list[str], imported: list[str]) -> None:
    modules = ("check", "fix", "show", "diff", "fetch", "watch")
    code = (
        "import sys, io; import rules.cli.main as m; f = io.StringIO();"
        f" m.run({argv!r}, streams=m.Streams(sys.stdin, f, f));"
        f" print(sorted(n for n in sys.modules if n in {[f'rules.cli.{x}' for x in modules]!r}))"
    )
    assert _fresh(code) == str(imported)


@pytest.mark.parametrize(
    "command", ["check", "fix", "show", "diff", "fetch", "ping", "time", "watch"]
)
def test_a_command_alone_parses_as_among_all(command: str) -> None:
    from rules.cli.main import build_parser

    def help_of(parser: Any) -> str:
        (action,) = [a for a in parser._actions if a.dest == "command"]
        return str(action.choices[command].format_help())

    assert help_of(build_parser(command)) == help_of(build_parser())
