"""SQL only in repositories: in every feature package, statements live in ``repository.py``.

A feature's ``repository.py`` (or a ``repository/`` package, or a ``<topic>_repository.py``
beside it, such as ``distribution/pressure_repository.py``) holds all its SQL: the query
constructs of SQLAlchemy (``select``, ``insert``, ``update``, ``delete``, ``func``,
``text``, ``exists``, ``case``, ``and_``/``or_`` …) and the calls that run them
(``session.execute`` / ``scalar`` / ``scalars`` / ``query``, the same on a connection).
Services, tasks and the other modules call repository functions. They may use a
``Session`` they are given and its unit of work on loaded objects (``add``, ``delete(obj)``,
``get``, ``flush``, attribute changes), type names (``Engine``, ``Connection``, ``Row`` …)
and SQLAlchemy's exceptions; imports under ``TYPE_CHECKING`` are annotations and fine.

The rule is checked on the source (``ast``), so a new module is covered as soon as it exists.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import cxlens.features as features

FEATURES = Path(features.__file__).parent

#: What a non-repository module may import from SQLAlchemy: the session it is given, type
#: names of connections and results, and (any name of) ``sqlalchemy.exc``.
ALLOWED_IMPORTS: dict[str, frozenset[str]] = {
    "sqlalchemy": frozenset({"Connection", "Engine", "Result", "Row", "RowMapping"}),
    "sqlalchemy.engine": frozenset({"Connection", "Engine", "Result", "Row", "RowMapping"}),
    "sqlalchemy.orm": frozenset({"Session", "sessionmaker"}),
}
ALLOWED_MODULES = frozenset({"sqlalchemy.exc"})
#: Methods that run a statement.
STATEMENT_CALLS = frozenset({"execute", "scalar", "scalars", "query"})
#: What a session or connection is called (``session``, ``self.session``,
#: ``session.connection()``, ``read_session`` …).
RECEIVERS = frozenset({"session", "connection", "conn", "db"})


def is_repository(relative: Path) -> bool:
    """Whether a module (path under ``features/``) is a repository, where SQL belongs."""
    return (
        relative.name == "repository.py"
        or relative.name.endswith("_repository.py")
        or "repository" in relative.parts[:-1]
    )


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _receiver(node: ast.expr) -> str | None:
    """The name a method is called on: ``session`` of ``session.execute``,
    ``self.session.execute`` and ``session.connection().execute``."""
    if isinstance(node, ast.Call):
        node = node.func
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return None


def _runs_statements(name: str | None) -> bool:
    if name is None:
        return False
    lowered = name.lower()
    return lowered in RECEIVERS or lowered.endswith(("session", "connection"))


class _SqlFinder(ast.NodeVisitor):
    def __init__(self) -> None:
        self.found: list[tuple[int, str]] = []

    def visit_If(self, node: ast.If) -> None:
        if _is_type_checking(node.test):
            for child in node.orelse:  # the ``else`` of ``if TYPE_CHECKING`` runs
                self.visit(child)
            return
        self.generic_visit(node)

    def visit_Import(self, node: ast.Import) -> None:
        for alias in node.names:
            if alias.name.split(".")[0] == "sqlalchemy" and alias.name not in ALLOWED_MODULES:
                self.found.append((node.lineno, f"import {alias.name}"))

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        module = node.module or ""
        if module.split(".")[0] != "sqlalchemy" or module in ALLOWED_MODULES:
            return
        allowed = ALLOWED_IMPORTS.get(module, frozenset())
        for alias in node.names:
            if alias.name not in allowed:
                self.found.append((node.lineno, f"from {module} import {alias.name}"))

    def visit_Call(self, node: ast.Call) -> None:
        func = node.func
        if (
            isinstance(func, ast.Attribute)
            and func.attr in STATEMENT_CALLS
            and _runs_statements(_receiver(func.value))
        ):
            self.found.append((node.lineno, f"{ast.unparse(func)}(…)"))
        self.generic_visit(node)


def sql_in(source: str) -> list[tuple[int, str]]:
    """``(line, what)`` of each SQL construct imported or statement run in ``source``."""
    finder = _SqlFinder()
    finder.visit(ast.parse(source))
    return sorted(finder.found)


def _modules() -> list[Path]:
    return sorted(
        path.relative_to(FEATURES)
        for path in FEATURES.rglob("*.py")
        if not is_repository(path.relative_to(FEATURES))
    )


def _offences() -> dict[str, list[tuple[int, str]]]:
    out: dict[str, list[tuple[int, str]]] = {}
    for relative in _modules():
        found = sql_in((FEATURES / relative).read_text(encoding="utf-8"))
        if found:
            out[relative.as_posix()] = found
    return out


def test_no_sql_outside_the_repositories() -> None:
    offences = _offences()
    lines = [
        f"src/cxlens/features/{module}:{line}: {what}"
        for module, found in offences.items()
        for line, what in found
    ]
    assert lines == [], "SQL outside a repository (move it to the feature's repository.py):\n" + (
        "\n".join(lines)
    )


# --- the checker itself ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("from sqlalchemy import select\n", [(1, "from sqlalchemy import select")]),
        ("from sqlalchemy import func, Engine\n", [(1, "from sqlalchemy import func")]),
        ("import sqlalchemy as sa\n", [(1, "import sqlalchemy")]),
        ("from sqlalchemy.dialects import sqlite\n",
         [(1, "from sqlalchemy.dialects import sqlite")]),
        ("def f(session):\n    session.execute(q)\n", [(2, "session.execute(…)")]),
        ("def f(self):\n    self.session.scalars(q)\n", [(2, "self.session.scalars(…)")]),
        ("def f(session):\n    session.connection().execute(q)\n",
         [(2, "session.connection().execute(…)")]),
        ("def f(read_session):\n    read_session.scalar(q)\n", [(2, "read_session.scalar(…)")]),
        ("def f(session):\n    session.query(A)\n", [(2, "session.query(…)")]),
        ("def f(conn):\n    conn.execute(q)\n", [(2, "conn.execute(…)")]),
        # fine: the session's unit of work, type names, exceptions, annotations, pyarrow
        ("from sqlalchemy.orm import Session\nfrom sqlalchemy import Engine, Connection, Row\n",
         []),
        ("from sqlalchemy.exc import IntegrityError\nimport sqlalchemy.exc\n", []),
        ("def f(session, o):\n    session.add(o)\n    session.delete(o)\n    session.flush()\n",
         []),
        ("def f(session):\n    session.get(A, 1)\n", []),
        ("from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from sqlalchemy import Select\n",
         []),
        ("import pyarrow as pa\npa.scalar(1)\n", []),
    ],
)  # fmt: skip
def test_the_checker(source: str, expected: list[tuple[int, str]]) -> None:
    assert sql_in(source) == expected
