"""The layers only point down, and no module imports itself back through others.

    service/    the shells: FastAPI app, Celery tasks, store, feeds, CLI  → workers, voices
    workers/    the engine: text, synthesis, stitching, mastering          → voices
    voices/     the voice catalog and the optimized model cache            → workers.errors
    workers.errors  the one error hierarchy                                → (nothing of ours)

Every import counts, also those inside functions and under TYPE_CHECKING: a lazy import is
still a dependency. Checked on the source with `ast`, not by importing it.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("service", "workers", "voices")
FLOOR = "workers.errors"
ALLOWED = {
    "service": {"service", "workers", "voices"},
    "workers": {"workers", "voices"},
    "voices": {"voices"},
}
"""What each package may import, besides `workers.errors`, which everything may import."""


def modules() -> dict[str, Path]:
    found = {}
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            parts = path.relative_to(ROOT).with_suffix("").parts
            name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
            found[name] = path
    return found


def imports_of(name: str, path: Path, known: set[str]) -> Iterator[str]:
    """The project modules `name` imports (a `from package import module` names the module)."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, *([base] if base else [])])
            targets = [f"{base}.{alias.name}" for alias in node.names] + [base]
        else:
            continue
        for target in targets:
            while target and target not in known:
                target = target.rpartition(".")[0]
            if target and target != name:
                yield target


def graph() -> dict[str, set[str]]:
    found = modules()
    known = set(found)
    return {name: set(imports_of(name, path, known)) for name, path in found.items()}


def test_the_import_walk_sees_imports() -> None:
    """The walk itself works: known edges (lazy ones included) are found."""
    edges = graph()
    assert "workers.errors" in edges["voices.catalog"]
    assert "workers.pipeline" in edges["service.tasks"]
    assert "service.serve" in edges["service.cli"]  # imported inside a function


def test_no_upward_import() -> None:
    upward = [
        f"{name} → {target}"
        for name, targets in graph().items()
        for target in targets
        if target != FLOOR and target.split(".")[0] not in ALLOWED[name.split(".")[0]]
    ]
    assert upward == []


def test_the_floor_imports_nothing_of_ours() -> None:
    assert graph()[FLOOR] == set()


def test_no_import_cycle() -> None:
    edges = graph()
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    cycles: list[list[str]] = []

    def visit(node: str, path: list[str]) -> None:
        state[node] = 1
        for nxt in sorted(edges[node]):
            if state.get(nxt) == 1:
                cycles.append([*path[path.index(nxt) :], nxt])
            elif nxt not in state:
                visit(nxt, [*path, nxt])
        state[node] = 2

    for node in sorted(edges):
        if node not in state:
            visit(node, [node])
    assert cycles == [], " ; ".join(" → ".join(c) for c in cycles)


@pytest.mark.parametrize("package", PACKAGES)
def test_package_docstring_states_its_layer(package: str) -> None:
    doc = ast.get_docstring(ast.parse((ROOT / package / "__init__.py").read_text())) or ""
    assert doc, f"{package}/__init__.py has no docstring saying what it is for"
