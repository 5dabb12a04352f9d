"""The import directions of the package (README's layout): a module imports only from below."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1] / "rules"

#: Subpackage -> the subpackages (and top-level modules) it may import.
ALLOWED = {
    "errors": {"errors"},
    "model": {"errors", "model"},
    "checker": {"errors", "model", "checker"},
    "fixer": {"errors", "model", "checker", "fixer"},
    "edge": {"errors", "model", "edge"},
    "interop": {"errors", "model", "checker", "interop"},
    "testing": {"errors", "model", "checker", "fixer", "testing"},
    "examples": {"examples"},
}
LAYERED = sorted(
    p for p in ROOT.rglob("*.py") if p.relative_to(ROOT).parts[0].removesuffix(".py") in ALLOWED
)


def _imported(path: Path) -> set[str]:
    out: set[str] = set()
    tree = ast.parse(path.read_text())
    typing_only = {
        id(inner)
        for node in ast.walk(tree)
        if isinstance(node, ast.If) and ast.unparse(node.test) == "TYPE_CHECKING"
        for inner in ast.walk(node)
    }  # annotations only: never imported at run time
    for node in ast.walk(tree):
        if id(node) in typing_only:
            continue
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module]
        out.update(n.split(".")[1] for n in names if n.startswith("rules."))
        out.update("rules" for n in names if n == "rules")
    return {n.removesuffix(".py") for n in out}


@pytest.mark.parametrize("path", LAYERED, ids=lambda p: str(p.relative_to(ROOT)))
def test_imports_go_down_only(path: Path) -> None:
    layer = path.relative_to(ROOT).parts[0].removesuffix(".py")
    assert _imported(path) <= ALLOWED[layer], f"{layer} may import only {sorted(ALLOWED[layer])}"


def test_the_core_never_imports_the_edges() -> None:
    # Spelled out for the pure core: no I/O client, no command line, no adapter.
    for layer in ("model", "checker", "fixer"):
        assert not ALLOWED[layer] & {"edge", "cli", "interop", "testing"}
