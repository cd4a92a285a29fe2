"""Time buckets computed the same way on every backend, folded into periods in Python.

SQL groups timestamps by their UTC hour (or minute, for zones with non-whole-hour offsets);
Python then maps each bucket to its tz-aware period label. Both backends therefore give
identical periods, DST included.
"""

from __future__ import annotations

from datetime import UTC, datetime
from functools import lru_cache
from typing import Any

from sqlalchemy import String
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.functions import FunctionElement

from cxlens.analytics.periods import period_label, zone

HOUR = "hour"
MINUTE = "minute"
_WIDTH = {HOUR: 13, MINUTE: 16}
_PG_FORMAT = {HOUR: "YYYY-MM-DD HH24", MINUTE: "YYYY-MM-DD HH24:MI"}
_PY_FORMAT = {HOUR: "%Y-%m-%d %H", MINUTE: "%Y-%m-%d %H:%M"}


class utc_bucket(FunctionElement[str]):
    """``utc_bucket(timestamp, granularity)``: the UTC hour/minute as ``YYYY-MM-DD HH[:MI]``."""

    type = String()
    inherit_cache = True
    name = "utc_bucket"

    def __init__(self, column: Any, granularity: str = HOUR) -> None:
        self.granularity = granularity
        super().__init__(column)


@compiles(utc_bucket, "sqlite")
def _sqlite(element: utc_bucket, compiler: SQLCompiler, **kw: Any) -> str:
    # SQLAlchemy stores SQLite datetimes as 'YYYY-MM-DD HH:MM:SS.ffffff' text (UTC here).
    column = compiler.process(element.clauses, **kw)
    return f"substr({column}, 1, {_WIDTH[element.granularity]})"


@compiles(utc_bucket, "postgresql")
def _postgresql(element: utc_bucket, compiler: SQLCompiler, **kw: Any) -> str:
    column = compiler.process(element.clauses, **kw)
    return f"to_char(({column}) AT TIME ZONE 'UTC', '{_PG_FORMAT[element.granularity]}')"


def granularity_for(tz: str) -> str:
    """``hour`` when ``tz`` has whole-hour offsets (recent decades), else ``minute``."""
    info = zone(tz)
    for year in (1990, 2000, 2010, 2020, 2025, 2030):
        for month in (1, 4, 7, 10):
            offset = datetime(year, month, 15, tzinfo=UTC).astimezone(info).utcoffset()
            if offset is not None and offset.total_seconds() % 3600:
                return MINUTE
    return HOUR


@lru_cache(maxsize=200_000)
def bucket_label(bucket: str, granularity: str, period: str, tz: str) -> str:
    """Period label (in ``tz``) of a UTC bucket string produced by :class:`utc_bucket`."""
    moment = datetime.strptime(bucket, _PY_FORMAT[granularity]).replace(tzinfo=UTC)
    return period_label(moment, period, tz)
