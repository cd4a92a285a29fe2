"""Build the SQLAlchemy engine from settings: SQLite in the data directory or PostgreSQL."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url

from cxlens.core.errors import ConfigurationError
from cxlens.core.settings import Settings

#: How long SQLite waits for a lock held by another connection before failing (ms).
SQLITE_BUSY_TIMEOUT_MS = 30_000
#: The size SQLite cuts the WAL file back to when the WAL starts over (after a burst of
#: writes grew it past this); below it the WAL reuses the file from its start as it is.
SQLITE_WAL_SIZE_LIMIT = 256 * 1024 * 1024


def make_engine(settings: Settings) -> Engine:
    """The engine for ``settings.resolved_database_url()``.

    SQLite: the file's directory is created if missing; every connection uses WAL (its file
    cut back to :data:`SQLITE_WAL_SIZE_LIMIT` when it starts over), foreign keys on and a
    busy timeout. PostgreSQL: psycopg 3 with pre-ping. SQL parameters (customer text,
    addresses) never appear in logs or error messages (``hide_parameters``).
    """
    return engine_for_url(settings.resolved_database_url())


def engine_for_url(url: str) -> Engine:
    """The engine for a SQLAlchemy URL (``sqlite:///...`` or ``postgresql+psycopg://...``)."""
    try:
        parsed = make_url(url)
    except Exception as exc:
        raise ConfigurationError(f"not a database URL: {url!r} ({exc})") from exc
    backend = parsed.get_backend_name()
    if backend == "sqlite":
        database = parsed.database
        if database and database != ":memory:" and not database.startswith("file:"):
            Path(database).expanduser().parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(
            parsed,
            connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000},
            hide_parameters=True,
        )
        event.listen(engine, "connect", _configure_sqlite)
        return engine
    if backend == "postgresql":
        if parsed.drivername in ("postgresql", "postgres"):
            parsed = parsed.set(drivername="postgresql+psycopg")
        return create_engine(parsed, pool_pre_ping=True, hide_parameters=True)
    raise ConfigurationError(
        f"unsupported database {backend!r} in {url!r}: use sqlite:/// or postgresql://"
    )


def _configure_sqlite(dbapi_connection: Any, _record: Any) -> None:
    if not isinstance(dbapi_connection, sqlite3.Connection):  # pragma: no cover
        return
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute(f"PRAGMA journal_size_limit={SQLITE_WAL_SIZE_LIMIT}")
    finally:
        cursor.close()
