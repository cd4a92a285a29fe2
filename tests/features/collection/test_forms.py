"""The per-process cache of survey versions in use."""

from __future__ import annotations

from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from cxlens.db import unit_of_work
from cxlens.features.collection.forms import frozen_form, load_form


def test_a_version_in_use_is_read_once_and_outlives_its_session(
    migrated_engine: Engine, committed_version: int
) -> None:
    version_id = committed_version
    statements: list[str] = []

    def count(*args: Any) -> None:
        statements.append(args[2])

    event.listen(migrated_engine, "before_cursor_execute", count)
    try:
        with Session(migrated_engine) as session:
            first = frozen_form(session, version_id)
            session.rollback()  # the rows of the cached form belong to no session
        read = len(statements)
        with unit_of_work(migrated_engine) as session:
            again = frozen_form(session, version_id)
        with migrated_engine.begin() as connection:
            via_connection = frozen_form(connection, version_id)
    finally:
        event.remove(migrated_engine, "before_cursor_execute", count)
    assert read > 0 and len(statements) == read  # no query the second time
    assert again is first and via_connection is first
    assert [q.key for q in first.questions] == ["nps", "nps_why", "fix"]
    assert first.label(first.questions[0], "nl").startswith("Hoe waarschijnlijk")
    with unit_of_work(migrated_engine) as session:
        assert [q.key for q in load_form(session, version_id).questions] == [
            "nps",
            "nps_why",
            "fix",
        ]
