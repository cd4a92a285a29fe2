"""The engine's SQLite connection settings."""

from __future__ import annotations

from pathlib import Path

from cxlens.db import engine_for_url
from cxlens.db.engine import SQLITE_BUSY_TIMEOUT_MS, SQLITE_WAL_SIZE_LIMIT


def test_sqlite_connections_use_wal_with_a_size_limit(tmp_path: Path) -> None:
    engine = engine_for_url(f"sqlite:///{tmp_path / 'sub' / 'cxlens.db'}")
    with engine.connect() as c:
        pragma = {
            name: c.exec_driver_sql(f"PRAGMA {name}").scalar()
            for name in ("journal_mode", "foreign_keys", "busy_timeout", "synchronous")
        }
        limit = c.exec_driver_sql("PRAGMA journal_size_limit").scalar()
    assert pragma == {
        "journal_mode": "wal",
        "foreign_keys": 1,
        "busy_timeout": SQLITE_BUSY_TIMEOUT_MS,
        "synchronous": 1,  # NORMAL
    }
    assert limit == SQLITE_WAL_SIZE_LIMIT
    engine.dispose()
