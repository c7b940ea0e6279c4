"""The layers of the code, as docs/architecture.md states them, checked from its imports."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "deskapp"
LONGEST_MODULE = 600


def modules() -> dict[str, Path]:
    return {".".join(path.relative_to(PACKAGE.parent).with_suffix("").parts)
            .removesuffix(".__init__"): path for path in sorted(PACKAGE.rglob("*.py"))}


def _type_checking_only(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


def imports(path: Path, *, at_import_time: bool) -> set[str]:
    """The modules ``path`` imports, leaving out those under ``if TYPE_CHECKING`` and, with
    ``at_import_time``, those imported inside functions."""
    found: set[str] = set()

    def visit(node: ast.AST, top: bool) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.If) and _type_checking_only(child):
                continue
            if isinstance(child, ast.Import):
                if top or not at_import_time:
                    found.update(alias.name for alias in child.names)
            elif (isinstance(child, ast.ImportFrom) and child.module and child.level == 0
                  and (top or not at_import_time)):
                found.add(child.module)
                found.update(f"{child.module}.{alias.name}" for alias in child.names)
            inner = isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda)
            visit(child, top and not inner)

    visit(ast.parse(path.read_text(encoding="utf-8")), True)
    return found


def internal(names: set[str], known: dict[str, Path]) -> set[str]:
    return {name for name in names if name in known}


def test_no_module_is_longer_than_the_limit() -> None:
    long = {name: lines for name, path in modules().items()
            if (lines := len(path.read_text(encoding="utf-8").splitlines())) > LONGEST_MODULE}
    assert long == {}


def test_no_import_circle_inside_the_package() -> None:
    known = modules()
    graph = {name: internal(imports(path, at_import_time=True), known) - {name}
             for name, path in known.items()}
    # A package's __init__ is imported with each of its modules: not an edge of a circle.
    graph = {name: {other for other in edges if known[other].name != "__init__.py"}
             for name, edges in graph.items()}
    circles = []
    state: dict[str, int] = {}

    def walk(name: str, path: list[str]) -> None:
        state[name] = 1
        for other in sorted(graph[name]):
            if state.get(other) == 1:
                circles.append([*path[path.index(other):], other])
            elif other not in state:
                walk(other, [*path, other])
        state[name] = 2

    for name in sorted(graph):
        if name not in state:
            walk(name, [name])
    assert circles == []


def test_sqlalchemy_is_imported_only_in_storage() -> None:
    outside = {name: sorted(found) for name, path in modules().items()
               if not name.startswith("deskapp.storage")
               and (found := {i for i in imports(path, at_import_time=False)
                              if i.split(".")[0] in ("sqlalchemy", "alembic")})}
    assert outside == {}


@pytest.mark.parametrize("layer", ["deskapp.ui", "deskapp.cli"])
def test_the_window_and_the_command_line_call_the_service_only(layer: str) -> None:
    reaching = {name: sorted(found) for name, path in modules().items()
                if name.startswith(layer)
                and (found := {i for i in imports(path, at_import_time=False)
                               if i.startswith(("deskapp.storage", "sqlalchemy"))})}
    assert reaching == {}


def test_the_core_imports_no_qt_no_database_and_no_other_layer() -> None:
    leaking = {name: sorted(found) for name, path in modules().items()
               if name.startswith("deskapp.core")
               and (found := {i for i in imports(path, at_import_time=False)
                              if i.split(".")[0] in ("PySide6", "sqlalchemy", "alembic")
                              or i.startswith(("deskapp.app", "deskapp.storage", "deskapp.ui",
                                               "deskapp.cli"))})}
    assert leaking == {}


def test_no_module_reaches_into_another_modules_private_names() -> None:
    known = modules()
    reaching = {}
    for name, path in known.items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        private = [f"{node.module}.{alias.name}" for node in ast.walk(tree)
                   if isinstance(node, ast.ImportFrom) and node.module in known
                   and node.module != name
                   for alias in node.names if alias.name.startswith("_")]
        if private:
            reaching[name] = private
    assert reaching == {}
