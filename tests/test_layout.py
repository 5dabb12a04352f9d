"""The package's layout is its architecture: import directions, no cycles, small modules.

The map is in docs/design.md ("The package"); these tests keep the code and the
map in step. Imports are read from the source (every ``import`` statement, at
module level or inside a function), so a lazy import counts too.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from rules.checker.filters import FILTER_CHECKS
from rules.model.models import FILTER_CLASSES, UnknownFilter

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "rules"

#: Subpackage (or top-level module) -> the parts of ``rules`` it may import.
#: ``errors`` is a leaf every part may use; ``examples`` (the bundled data) is for the command line.
ALLOWED: dict[str, set[str]] = {
    "errors": set(),
    "examples": set(),
    "model": {"errors"},
    "checker": {"errors", "model"},
    "fixer": {"errors", "model", "checker"},
    "edge": {"errors", "model"},
    "interop": {"errors", "model", "checker"},
    "batch": {"errors", "model", "checker", "edge", "batch"},
    "cli": {"errors", "examples", "model", "checker", "fixer", "edge", "batch", "cli"},
    "testing": {"errors", "model", "checker", "fixer", "testing"},
}
#: Third-party modules only these parts may import (``import rules`` never does).
RESTRICTED = {
    "websocket": {"edge"},
    "hypothesis": {"testing"},
    "pyarrow": {"batch"},
    "numpy": {"batch"},
    "pandas": {"batch"},
    "dask": {"batch"},
    "tqdm": {"cli"},
}


def _module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def _imports(path: Path) -> set[str]:
    """Every module an ``import`` statement of this file names (absolute names).

    Imports under ``if TYPE_CHECKING:`` are for the type checker only (they
    never run) and are not counted.
    """
    tree = ast.parse(path.read_text(encoding="utf-8"))
    typing_only = {
        id(inner)
        for node in ast.walk(tree)
        if isinstance(node, ast.If) and ast.unparse(node.test) == "TYPE_CHECKING"
        for inner in ast.walk(node)
    }
    found: set[str] = set()
    for node in ast.walk(tree):
        if id(node) in typing_only:
            continue
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            assert node.level == 0, f"{path}: relative import"
            assert node.module is not None
            # "from rules.cli import check" imports the module rules.cli.check
            # (the package's __init__ runs first, but it is the submodule that is used)
            for alias in node.names:
                candidate = f"{node.module}.{alias.name}"
                found.add(candidate if _exists(candidate) else node.module)
    return found


def _exists(module: str) -> bool:
    if not module.startswith("rules"):
        return False
    base = ROOT.joinpath(*module.split("."))
    return base.with_suffix(".py").exists() or (base / "__init__.py").exists()


MODULES = {_module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def _part(module: str) -> str | None:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else None  # "rules" itself: the re-exporting facade


@pytest.mark.parametrize("module", sorted(MODULES))
def test_imports_point_the_allowed_way(module: str) -> None:
    part = _part(module)
    if part in (None, "__main__"):
        return  # rules/__init__.py re-exports the public API; __main__ runs the CLI
    assert part in ALLOWED, f"{module}: a part of the package docs/design.md does not map"
    for imported in _imports(MODULES[module]):
        top = imported.split(".")[0]
        if top == "rules":
            target = _part(imported)
            assert target is not None, f"{module} imports the facade 'rules'; import the owner"
            assert target == part or target in ALLOWED[part], f"{module} imports {imported}"
        elif top in RESTRICTED:
            assert part in RESTRICTED[top], f"{module} imports {top}"


def test_no_import_cycle() -> None:
    graph = {
        name: {i for i in _imports(path) if i in MODULES and i != name}
        for name, path in MODULES.items()
    }
    done: set[str] = set()

    def visit(node: str, stack: list[str]) -> None:
        if node in stack:
            cycle = [*stack[stack.index(node) :], node]
            raise AssertionError("import cycle: " + " -> ".join(cycle))
        if node in done:
            return
        for nxt in sorted(graph[node]):
            visit(nxt, [*stack, node])
        done.add(node)

    for name in sorted(graph):
        visit(name, [])


@pytest.mark.parametrize("module", sorted(MODULES))
def test_modules_are_small(module: str) -> None:
    lines = MODULES[module].read_text(encoding="utf-8").count("\n")
    assert lines <= 650, f"{module} has {lines} lines; split it by concept (~600 at most)"


@pytest.mark.parametrize("part", sorted(p for p in ALLOWED if (PACKAGE / p).is_dir()))
def test_each_subpackage_says_what_it_owns(part: str) -> None:
    doc = ast.get_docstring(ast.parse((PACKAGE / part / "__init__.py").read_text()))
    assert doc, f"rules.{part} has no docstring"
    if part != "examples":  # the bundled data
        assert "May import" in doc


@pytest.mark.parametrize("name", sorted(FILTER_CLASSES))
def test_each_filter_type_has_its_check_strategy_and_page(name: str) -> None:
    import rules.testing  # noqa: F401 - registers the strategies
    from rules.testing._filters import BY_CLASS

    cls = FILTER_CLASSES[name]
    assert cls in FILTER_CHECKS
    assert cls in BY_CLASS
    assert (ROOT / "docs" / "filters" / f"{name.lower()}.md").exists()
    assert UnknownFilter in FILTER_CHECKS
    assert UnknownFilter in BY_CLASS
