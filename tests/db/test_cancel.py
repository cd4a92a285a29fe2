"""A running query stopped from another thread, on SQLite and PostgreSQL."""

from __future__ import annotations

import threading
import time

import pytest
from sqlalchemy import Engine, text

from cxlens.db import read_only
from cxlens.db.cancel import QueryCancelledError, QueryCanceller

#: Minutes of work on either backend, unless it is stopped.
SLOW = {
    "sqlite": "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c "
    "WHERE x < 5000000000) SELECT count(*) FROM c",
    "postgresql": "SELECT pg_sleep(120)",
}


def test_cancel_stops_the_running_statement(migrated_engine: Engine) -> None:
    canceller = QueryCanceller()
    threading.Timer(0.5, canceller.cancel, args=("test",)).start()
    started = time.monotonic()
    with (
        pytest.raises(QueryCancelledError) as caught,
        read_only(migrated_engine) as session,
        canceller.armed(session),
    ):
        session.execute(text(SLOW[migrated_engine.dialect.name]))
    assert time.monotonic() - started < 10
    assert caught.value.reason == "test"
    with read_only(migrated_engine) as session:  # the pool's connection still works
        assert session.execute(text("SELECT 1")).scalar() == 1


def test_a_cancelled_canceller_refuses_to_start(migrated_engine: Engine) -> None:
    canceller = QueryCanceller()
    canceller.cancel("early")
    with (
        pytest.raises(QueryCancelledError),
        read_only(migrated_engine) as session,
        canceller.armed(session),
    ):
        session.execute(text("SELECT 1"))


def test_an_uncancelled_query_answers(migrated_engine: Engine) -> None:
    canceller = QueryCanceller()
    with read_only(migrated_engine) as session, canceller.armed(session):
        assert session.execute(text("SELECT 2")).scalar() == 2
    canceller.cancel("after")  # nothing running: nothing happens
