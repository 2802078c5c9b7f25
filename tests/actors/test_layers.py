"""Layers point one way: geo <- actors <- events, and no import circle inside actors.

The import-linter contract checks the whole package; this is the same rule for the
modules here, offline and without the tool."""

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).parents[2] / "src/eventwire"


def _imports(path: Path) -> set[str]:
    """Modules under eventwire that ``path`` imports (type-checking imports included)."""
    package = ["eventwire", *path.parent.relative_to(SRC).parts]
    out = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            base = package[: len(package) - node.level + 1] if node.level else []
            module = ".".join([*base, *(node.module.split(".") if node.module else [])])
            out.add(module)
            out.update(f"{module}.{a.name}" for a in node.names)
        elif isinstance(node, ast.Import):
            out.update(a.name for a in node.names)
    return {m for m in out if m.startswith("eventwire")}


@pytest.mark.parametrize(
    ("package", "forbidden"),
    [("actors", ("events", "store", "pipeline")), ("geo", ("actors", "events", "store"))],
)
def test_lower_layers_do_not_import_higher_ones(package, forbidden):
    for path in (SRC / package).glob("*.py"):
        bad = {m for m in _imports(path) for f in forbidden if m.startswith(f"eventwire.{f}")}
        assert not bad, f"{path.name} imports {sorted(bad)}"


def test_no_import_circle_inside_actors():
    modules = {p.stem: p for p in (SRC / "actors").glob("*.py") if p.stem != "__init__"}
    graph = {
        name: {m.split(".")[2] for m in _imports(path) if m.startswith("eventwire.actors.")}
        & modules.keys()
        for name, path in modules.items()
    }
    done: set[str] = set()

    def visit(name: str, trail: tuple[str, ...]) -> None:
        assert name not in trail, " -> ".join([*trail, name])
        if name not in done:
            for dep in graph[name]:
                visit(dep, (*trail, name))
            done.add(name)

    for name in graph:
        visit(name, ())
