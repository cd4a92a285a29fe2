"""Date columns: one format per column, inferred from its values, parsed in DuckDB."""

from __future__ import annotations

import duckdb
import pyarrow as pa
import pyarrow.compute as pc

from cxlens.core.errors import InputError, Location
from cxlens.core.tables import TS

#: Candidates in order of preference on a tie (M/D before D/M: a column whose days are all
#: <= 12 is ambiguous, and US exports are the common case; a day > 12 settles it).
CANDIDATES: tuple[str, ...] = (
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%dT%H:%M:%S",
    "%Y-%m-%dT%H:%M:%S.%f",
    "%Y-%m-%d %H:%M:%S.%f",
    "%Y-%m-%dT%H:%M:%SZ",
    "%Y-%m-%dT%H:%M:%S.%fZ",
    "%Y-%m-%dT%H:%M:%S%z",
    "%Y-%m-%d %H:%M",
    "%Y-%m-%d",
    "%m/%d/%Y %H:%M:%S",
    "%m/%d/%Y %I:%M:%S %p",
    "%m/%d/%Y %H:%M",
    "%m/%d/%Y",
    "%d/%m/%Y %H:%M:%S",
    "%d/%m/%Y %H:%M",
    "%d/%m/%Y",
    "%d-%m-%Y %H:%M:%S",
    "%d-%m-%Y %H:%M",
    "%d-%m-%Y",
    "%d.%m.%Y %H:%M:%S",
    "%d.%m.%Y %H:%M",
    "%d.%m.%Y",
)


def infer_format(values: pa.ChunkedArray | pa.Array) -> str | None:
    """The candidate format that parses the most values (``None`` if none parses any)."""
    con = duckdb.connect()
    try:
        con.register("v", pa.table({"v": values}))
        sums = ", ".join(f"count(try_strptime(trim(v), '{fmt}'))" for fmt in CANDIDATES)
        row = con.sql(f"SELECT {sums} FROM v WHERE v IS NOT NULL AND trim(v) <> ''").fetchall()
    finally:
        con.close()
    counts = list(row[0]) if row else []
    best = max(range(len(CANDIDATES)), key=lambda i: (counts[i], -i), default=None)
    if best is None or counts[best] == 0:
        return None
    return CANDIDATES[best]


def parse_dates(
    values: pa.ChunkedArray | pa.Array,
    fmt: str | None,
    *,
    tz: str,
    source: str,
    column: str,
    first_row: int,
) -> pa.Array:
    """Parse a string column into UTC timestamps; naive values are local time in ``tz``.

    Every non-empty value must parse with the column's one format, otherwise
    :class:`InputError` names the first row that does not.
    """
    fmt = fmt or infer_format(values)
    if fmt is None:
        raise InputError(
            "no date format fits the values",
            Location(file=source, column=column),
            expected="dates such as 2024-03-31 14:05:00, 3/31/2024 or 31-03-2024",
        )
    con = duckdb.connect()
    try:
        con.execute("SET TimeZone = 'UTC'")
        con.register("v", pa.table({"v": values}))
        parsed = f"try_strptime(trim(v), '{fmt}')"
        if "%z" in fmt or fmt.endswith("Z"):
            expr = f"CAST({parsed} AS TIMESTAMPTZ)" if "%z" in fmt else f"timezone('UTC', {parsed})"
        else:
            expr = f"timezone(?, {parsed})"
        params = [] if "%z" in fmt or fmt.endswith("Z") else [tz]
        table = con.sql(f"SELECT {expr} AS t, v FROM v", params=params).to_arrow_table()
    except duckdb.Error as exc:
        raise InputError(
            f"cannot convert the dates: {str(exc).splitlines()[0]}",
            Location(file=source, column=column),
            expected="a valid time zone name such as Europe/Rome",
        ) from None
    finally:
        con.close()
    result = table.column("t")
    raw = table.column("v")
    failed = pc.and_(
        pc.is_null(result), pc.greater(pc.utf8_length(pc.utf8_trim_whitespace(raw)), 0)
    )
    hits = pc.indices_nonzero(pc.fill_null(failed, False))
    if len(hits):
        index = int(hits[0].as_py())
        raise InputError(
            f"{raw[index].as_py()!r} is not a date in the column's format {fmt}",
            Location(file=source, row=first_row + index, column=column),
            expected=f"a date like the other values ({fmt})",
        )
    return pc.cast(result.combine_chunks(), TS)
