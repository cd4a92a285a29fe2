"""SQL lives in the repositories: these distribution services build no statements.

A module listed here may use a ``Session`` (passed in, flushed) and ORM objects, but every
query goes through ``repository`` or ``pressure_repository``.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import cxlens.features.distribution as distribution

PACKAGE = Path(distribution.__file__).parent
SQL_FREE = ["pressure.py", "silent.py", "reminders.py", "campaigns.py", "bounces.py"]
#: What a service may use of SQLAlchemy: the session it is given.
ALLOWED = {"sqlalchemy.orm": {"Session"}}
#: Statements; adding a new ORM object to the session (its unit of work) is not one.
STATEMENT_CALLS = {"execute", "scalar", "scalars"}


@pytest.mark.parametrize("name", SQL_FREE)
def test_no_sql_outside_the_repositories(name: str) -> None:
    tree = ast.parse((PACKAGE / name).read_text(encoding="utf-8"))
    found: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("sqlalchemy"):
            allowed = ALLOWED.get(node.module or "", set())
            found += [
                f"line {node.lineno}: from {node.module} import {alias.name}"
                for alias in node.names
                if alias.name not in allowed
            ]
        elif isinstance(node, ast.Import):
            found += [
                f"line {node.lineno}: import {alias.name}"
                for alias in node.names
                if alias.name.startswith("sqlalchemy")
            ]
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and isinstance(node.func.value, ast.Name)
            and node.func.value.id == "session"
            and node.func.attr in STATEMENT_CALLS
        ):
            found.append(f"line {node.lineno}: session.{node.func.attr}(…)")
    assert found == [], f"{name} holds SQL: {found}"
