"""Date columns: one format per column, inferred from its values, parsed to UTC.

The format is chosen in DuckDB on a sample of distinct values (strict parsing); the whole
column is parsed with Arrow (fast), DuckDB where Arrow cannot (fractions of a second) or
where Arrow's lenient parser may have rolled an impossible day over.

A trailing ``GMT+1`` / ``GMT-5`` / ``GMT+5:30`` / ``UTC`` (Google Forms writes them) is an
offset that belongs to the value: such values are stored in UTC whatever ``tz`` says.
Naive values are local time in ``tz``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from cxlens.core.errors import InputError, Location
from cxlens.core.tables import TS

_BASES: tuple[str, ...] = (
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%dT%H:%M:%S",
    "%Y-%m-%dT%H:%M:%S.%f",
    "%Y-%m-%d %H:%M:%S.%f",
    "%Y-%m-%d %H:%M",
    "%Y/%m/%d %I:%M:%S %p",
    "%Y/%m/%d %H:%M:%S",
    "%m/%d/%Y %H:%M:%S",
    "%m/%d/%Y %I:%M:%S %p",
    "%m/%d/%Y %I:%M %p",
    "%m/%d/%Y %H:%M",
    "%d/%m/%Y %H:%M:%S",
    "%d/%m/%Y %I:%M:%S %p",
    "%d/%m/%Y %H:%M",
    "%d-%m-%Y %H:%M:%S",
    "%d-%m-%Y %H:%M",
    "%d.%m.%Y %H:%M:%S",
    "%d.%m.%Y %H:%M",
)
_DATES_ONLY: tuple[str, ...] = (
    "%Y-%m-%d",
    "%Y/%m/%d",
    "%m/%d/%Y",
    "%d/%m/%Y",
    "%d-%m-%Y",
    "%d.%m.%Y",
)

#: Candidates in order of preference on a tie (M/D before D/M: a column whose days are all
#: <= 12 is ambiguous, and US exports are the common case; a day > 12 settles it). A
#: candidate ending in `` %z`` matches values whose offset was written ``GMT+1``/``UTC``.
CANDIDATES: tuple[str, ...] = (
    *_BASES,
    "%Y-%m-%dT%H:%M:%SZ",
    "%Y-%m-%dT%H:%M:%S.%fZ",
    "%Y-%m-%dT%H:%M:%S%z",
    "%Y-%m-%dT%H:%M:%S.%f%z",
    "%Y-%m-%d %H:%M:%S%z",
    *_DATES_ONLY,
    *(f"{base} %z" for base in _BASES),
)
#: At most this many distinct values are tried against every candidate; the chosen format
#: is then checked on the whole column (and inferred again with the values it missed).
SAMPLE = 2000
_EXAMPLES = 3
# "GMT+1" -> " +01", "GMT+5:30" -> " +0530", "GMT" / "UTC" -> " +00" (RE2: "\10" is group
# 1 then "0"). Applied with Arrow, and with DuckDB as ``_CLEAN``.
_OFFSETS = (
    (r"(?i)\s*(?:GMT|UTC)\s*([+-])(\d)(?::?(\d\d))?$", r" \10\2\3"),
    (r"(?i)\s*(?:GMT|UTC)\s*([+-])(\d\d)(?::?(\d\d))?$", r" \1\2\3"),
    (r"(?i)\s*(?:GMT|UTC)$", " +00"),
)
_CLEAN = "trim(v)"
for _pattern, _replacement in _OFFSETS:
    _CLEAN = f"regexp_replace({_CLEAN}, '{_pattern}', '{_replacement}')"


@dataclass(frozen=True)
class DateCheck:
    """How a column's values fit one date format: ``format`` is ``None`` when none fits."""

    format: str | None
    present: int
    bad: int
    examples: tuple[str, ...]

    @property
    def ok(self) -> bool:
        """True when a format was found and every non-empty value parses with it."""
        return self.format is not None and self.bad == 0


def _connect() -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    con.execute("SET enable_progress_bar = false")
    return con


def _expr(fmt: str) -> str:
    """The SQL that parses column ``v`` with ``fmt`` (null where it does not parse)."""
    text = _CLEAN if fmt.endswith(" %z") else "trim(v)"
    return f"try_strptime({text}, '{fmt}')"


def _sample(values: pa.ChunkedArray | pa.Array, limit: int | None) -> pa.Array:
    """Distinct non-empty values, at most ``limit`` of them spread over the column."""
    array = values.combine_chunks() if isinstance(values, pa.ChunkedArray) else values
    if limit is not None and len(array) > 10 * limit:  # a fixed random sample of rows
        rows = np.random.default_rng(0).choice(len(array), 10 * limit, replace=False)
        array = array.take(pa.array(np.sort(rows)))
    array = pc.utf8_trim_whitespace(array)
    distinct = pc.unique(pc.drop_null(pc.if_else(pc.equal(array, ""), None, array)))
    if limit is not None and len(distinct) > limit:
        step = len(distinct) / limit
        distinct = distinct.take(pa.array([int(i * step) for i in range(limit)], pa.int64()))
    return distinct


def infer_format(values: pa.ChunkedArray | pa.Array, *, sample: int | None = SAMPLE) -> str | None:
    """The candidate format that parses the most distinct values (``None`` if none does).

    ``sample`` caps how many distinct values (spread over the column) are tried.
    """
    distinct = _sample(values, sample)
    if len(distinct) == 0:
        return None
    con = _connect()
    try:
        con.register("v", pa.table({"v": distinct}))
        sums = ", ".join(f"count({_expr(fmt)})" for fmt in CANDIDATES)
        row = con.sql(f"SELECT {sums} FROM v").fetchall()
    finally:
        con.close()
    counts = list(row[0]) if row else []
    best = max(range(len(CANDIDATES)), key=lambda i: (counts[i], -i), default=None)
    if best is None or counts[best] == 0:
        return None
    return CANDIDATES[best]


def check_dates(values: pa.ChunkedArray | pa.Array, fmt: str | None = None) -> DateCheck:
    """Find the column's format (``fmt`` first, when given) and count the values it misses.

    The format is inferred on a sample of distinct values. When it misses some values, it
    is inferred again on the sample plus the missed values (a day over 12 late in the
    column settles day-first), and the format that misses fewest wins.
    """
    best: DateCheck | None = _count_bad(values, fmt) if fmt is not None else None
    if best is not None and best.ok:
        return best
    inferred = infer_format(values)
    if inferred is None and best is None:
        present = len(values) - values.null_count
        return DateCheck(None, present, present, tuple(_sample(values, _EXAMPLES).to_pylist()))
    tried = {best.format} if best is not None else set()
    if inferred is not None and inferred not in tried:
        tried.add(inferred)
        check = _count_bad(values, inferred)
        best = check if best is None or check.bad < best.bad else best
    assert best is not None and best.format is not None
    if best.ok:
        return best
    missed = _missed(_trimmed(values), best.format)
    retry = infer_format(pa.concat_arrays([_sample(values, SAMPLE), missed]), sample=None)
    if retry is not None and retry not in tried:
        check = _count_bad(values, retry)
        best = check if check.bad < best.bad else best
    return best


def _count_bad(values: pa.ChunkedArray | pa.Array, fmt: str) -> DateCheck:
    text = _trimmed(values)
    failed = _failed(_strptime(text, fmt), text)
    bad = int(pc.sum(pc.cast(failed, pa.int64())).as_py() or 0)
    present = int(
        pc.sum(pc.cast(pc.fill_null(pc.not_equal(text, ""), False), pa.int64())).as_py() or 0
    )
    examples: list[str] = []
    if bad:
        examples = sorted(pc.unique(text.filter(failed)).to_pylist())[:_EXAMPLES]
    return DateCheck(fmt, present, bad, tuple(examples))


def _missed(text: pa.Array, fmt: str) -> pa.Array:
    """Up to ``SAMPLE`` distinct values that ``fmt`` does not parse."""
    missed = pc.unique(text.filter(_failed(_strptime(text, fmt), text)))
    return missed.slice(0, SAMPLE)


def _trimmed(values: pa.ChunkedArray | pa.Array) -> pa.Array:
    array = values.combine_chunks() if isinstance(values, pa.ChunkedArray) else values
    return pc.utf8_trim_whitespace(array)


def _failed(parsed: pa.Array, text: pa.Array) -> pa.Array:
    """True where a non-empty value did not parse."""
    return pc.fill_null(pc.and_(pc.is_null(parsed), pc.not_equal(text, "")), False)


def _strptime(text: pa.Array, fmt: str) -> pa.Array:
    """Parse trimmed strings: naive timestamps, or UTC ones for a format with an offset.

    Arrow parses fast but rolls impossible days over (30 February → 1 March); values that
    may have rolled over (a 29-31 in the text, parsed to day 1-3) are checked again with
    DuckDB's strict parser.
    Arrow has no ``%f``: DuckDB parses those formats (fast where the values fit).
    """
    if "%f" in fmt:
        return _duckdb_strptime(text, fmt)
    cleaned = _clean_offsets(text) if fmt.endswith(" %z") else text
    parsed = pc.strptime(cleaned, format=fmt, unit="us", error_is_null=True)
    if "%d" not in fmt:
        return parsed
    day = pc.day(parsed)
    if "%z" in fmt:  # the offset may move the day by one either way
        early = pc.or_(pc.less_equal(day, 4), pc.greater_equal(day, 28))
    else:
        early = pc.less_equal(day, 3)
    # A rolled-over value was written with a day of 29-31.
    suspect = pc.and_(early, pc.match_substring_regex(text, r"(^|\D)(29|30|31)(\D|$)"))
    where = pc.indices_nonzero(pc.fill_null(suspect, False))
    if len(where) == 0:
        return parsed
    strict = _duckdb_strptime(text.take(where), fmt)
    rolled = pc.indices_nonzero(pc.is_null(strict))
    if len(rolled) == 0:
        return parsed
    drop = np.zeros(len(parsed), dtype=bool)
    drop[where.take(rolled).to_numpy()] = True
    return pc.if_else(pa.array(drop), pa.scalar(None, parsed.type), parsed)


def _clean_offsets(text: pa.Array) -> pa.Array:
    """ "GMT+1" → " +01", "GMT+5:30" → " +0530", "GMT" / "UTC" → " +00" (as ``_CLEAN``)."""
    for pattern, replacement in _OFFSETS:
        text = pc.replace_substring_regex(text, pattern, replacement)
    return text


def _duckdb_strptime(text: pa.Array, fmt: str) -> pa.Array:
    con = _connect()
    try:
        con.execute("SET TimeZone = 'UTC'")
        con.register("v", pa.table({"v": text}))
        result = con.sql(f"SELECT {_expr(fmt)} AS t FROM v").to_arrow_table().column("t")
    finally:
        con.close()
    return result.combine_chunks()


def parse_dates(
    values: pa.ChunkedArray | pa.Array,
    fmt: str | None,
    *,
    tz: str,
    source: str,
    column: str,
    file_row: Callable[[int], int],
) -> pa.Array:
    """Parse a string column into UTC timestamps; naive values are local time in ``tz``.

    Every non-empty value must parse with the column's one format, otherwise
    :class:`InputError` names the first row that does not (``file_row`` turns a value's
    index into its file row), with its value.
    """
    if fmt is None:
        fmt = check_dates(values).format
    if fmt is None:
        raise InputError(
            "no date format fits the values",
            Location(file=source, column=column),
            expected="dates such as 2024-03-31 14:05:00, 3/31/2024, 31-03-2024 or"
            " 2024/03/31 2:05:00 PM GMT+1",
        )
    text = _trimmed(values)
    parsed = _strptime(text, fmt)
    hits = pc.indices_nonzero(_failed(parsed, text))
    if len(hits):
        index = int(hits[0].as_py())
        raise InputError(
            f"{text[index].as_py()!r} is not a date in the column's format {fmt}",
            Location(file=source, row=file_row(index), column=column),
            expected=f"a date like the other values ({fmt})",
        )
    return _to_utc(parsed, fmt, tz, source, column)


def _to_utc(parsed: pa.Array, fmt: str, tz: str, source: str, column: str) -> pa.Array:
    """Naive timestamps are local time in ``tz`` (UTC for a format ending in ``Z``)."""
    if pa.types.is_timestamp(parsed.type) and parsed.type.tz is not None:
        return pc.cast(parsed, TS)
    zone = "UTC" if fmt.endswith("Z") else tz
    try:
        local = pc.assume_timezone(
            parsed, timezone=zone, ambiguous="earliest", nonexistent="earliest"
        )
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError) as exc:
        raise InputError(
            f"cannot convert the dates: {str(exc).splitlines()[0]}",
            Location(file=source, column=column),
            expected="a valid time zone name such as Europe/Rome",
        ) from None
    return pc.cast(local, TS)
