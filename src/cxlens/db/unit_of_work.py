"""One transaction per request, command or job: committed at the edge, rolled back on error."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker


@contextmanager
def unit_of_work(engine: Engine) -> Iterator[Session]:
    """A session whose transaction commits when the block succeeds and rolls back on error.

    Services flush, never commit: everything done in the block is one transaction. The
    commit happens when the block is left, so a caller that answers (an HTTP response, a
    printed summary) only after leaving it never acknowledges what is not stored.
    """
    factory = sessionmaker(bind=engine, expire_on_commit=False)
    session = factory()
    try:
        with session.begin():
            yield session
    finally:
        session.close()


@contextmanager
def read_only(engine: Engine) -> Iterator[Session]:
    """A session that can only read: a write in it fails (it belongs in the writer).

    SQLite: ``PRAGMA query_only`` on the session's connection for the block (reset after);
    PostgreSQL: ``SET TRANSACTION READ ONLY``. The server's reads use it, so a route that
    writes outside :func:`cxlens.db.writes.Writer.write` fails in the tests, not in
    production under load.
    """
    factory = sessionmaker(bind=engine, expire_on_commit=False)
    session = factory()
    sqlite = engine.dialect.name == "sqlite"
    try:
        with session.begin():
            connection = session.connection()
            if sqlite:
                connection.exec_driver_sql("PRAGMA query_only=1")
            else:
                connection.exec_driver_sql("SET TRANSACTION READ ONLY")
            try:
                yield session
            finally:
                if sqlite:
                    connection.exec_driver_sql("PRAGMA query_only=0")
    finally:
        session.close()
