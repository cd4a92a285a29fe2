"""Date columns: one format per column, inferred from its values, parsed to UTC.

The one date parser of cxlens (:func:`parse_dates`), used by the survey-response mapping
and by the readers of cases, referrals and reviews. ISO 8601 columns are read by Arrow's
cast; otherwise the format is chosen in DuckDB on a sample of distinct values (strict
parsing); the whole column is parsed with Arrow (fast), DuckDB where Arrow cannot
(fractions of a second) or where Arrow's lenient parser may have rolled an impossible day
over. Day-first against month-first is decided by the values (a day above 12), else by the
other date columns of the file (``day_first``), else ``/`` is read month-first (US exports)
and ``-`` or ``.`` day-first, with a warning.

A trailing ``GMT+1`` / ``GMT-5`` / ``GMT+5:30`` / ``UTC`` (Google Forms writes them) is an
offset that belongs to the value: such values are stored in UTC whatever ``tz`` says.
Naive values are local time in ``tz``.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from dateutil import parser as dateparser

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

_TIMES = ("", " %H:%M", " %H:%M:%S", " %I:%M %p", " %I:%M:%S %p", " %I:%M%p")
#: Dates the readers of cases, referrals and reviews met beyond the survey exports' ones:
#: two-digit years, month-first with dashes, year-first with dots, 12-hour times.
_MORE_DATES: tuple[str, ...] = (
    "%m-%d-%Y",
    "%m/%d/%y",
    "%d/%m/%y",
    "%d.%m.%y",
    "%Y.%m.%d",
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
CANDIDATES = CANDIDATES + tuple(
    dict.fromkeys(
        f"{date}{time}"
        for date in (*_DATES_ONLY, *_MORE_DATES)
        for time in _TIMES
        if f"{date}{time}" not in CANDIDATES
    )
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
    """The SQL that parses column ``v`` with ``fmt`` (null where it does not parse).

    A four-digit-year format does not read a two-digit year (``3/7/24`` is not year 24).
    """
    text = _CLEAN if fmt.endswith(" %z") else "trim(v)"
    parsed = f"try_strptime({text}, '{fmt}')"
    if "%Y" in fmt:
        return f"CASE WHEN year({parsed}) >= 1000 THEN {parsed} END"
    return parsed


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


def infer_format(
    values: pa.ChunkedArray | pa.Array,
    *,
    sample: int | None = SAMPLE,
    day_first: bool | None = None,
) -> str | None:
    """The candidate format that parses the most distinct values (``None`` if none does).

    ``sample`` caps how many distinct values (spread over the column) are tried. On a tie,
    ``day_first`` (the order other columns of the file decided) picks day- or month-first.
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

    def preferred(fmt: str) -> bool:
        return day_first is not None and fmt.startswith("%d" if day_first else "%m")

    best = max(
        range(len(CANDIDATES)),
        key=lambda i: (counts[i], preferred(CANDIDATES[i]), -i),
        default=None,
    )
    if best is None or counts[best] == 0:
        return None
    return CANDIDATES[best]


def check_dates(
    values: pa.ChunkedArray | pa.Array, fmt: str | None = None, *, day_first: bool | None = None
) -> DateCheck:
    """Find the column's format (``fmt`` first, when given) and count the values it misses.

    The format is inferred on a sample of distinct values. When it misses some values, it
    is inferred again on the sample plus the missed values (a day over 12 late in the
    column settles day-first), and the format that misses fewest wins.
    """
    best: DateCheck | None = _count_bad(values, fmt) if fmt is not None else None
    if best is not None and best.ok:
        return best
    inferred = infer_format(values, day_first=day_first)
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
    retry = infer_format(
        pa.concat_arrays([_sample(values, SAMPLE), missed]), sample=None, day_first=day_first
    )
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
    if "%Y" in fmt:  # a two-digit year read by %Y is no date of this format
        short = pc.fill_null(pc.less(pc.year(parsed), 1000), False)
        parsed = pc.if_else(short, pa.scalar(None, parsed.type), parsed)
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


@dataclass(frozen=True, slots=True)
class ParsedDates:
    """A parsed column: UTC timestamps, the format used, a warning if the order was a guess.

    ``bad`` holds the indices of the non-empty values that are not dates (their timestamp
    is null); it is empty unless :func:`parse_dates` was asked to ``keep_bad`` values.
    """

    values: pa.Array
    format: str
    warning: str | None = None
    bad: tuple[int, ...] = ()


_LEADING_PAIR = re.compile(r"^\s*(?P<first>\d{1,2})(?P<sep>[/.-])(?P<second>\d{1,2})[/.-]\d{2,4}")
_DATE_EXAMPLES = (
    "dates such as 2024-03-31 14:05:00, 3/31/2024, 31-03-2024 or 2024/03/31 2:05:00 PM GMT+1"
)


def check_time_zone(tz: str) -> ZoneInfo:
    """The zone named ``tz`` (IANA name such as ``Europe/Rome``), or an InputError."""
    try:
        return ZoneInfo(tz)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise InputError(
            f"unknown time zone {tz!r}", expected="an IANA time zone such as 'Europe/Rome'"
        ) from exc


def date_evidence(values: pa.Array) -> tuple[bool, bool]:
    """Whether some value can only be day-first, and whether some can only be month-first."""
    matching = pc.filter(values, pc.match_substring_regex(values, _LEADING_PAIR.pattern))
    parts = pc.extract_regex(matching, pattern=_LEADING_PAIR.pattern)
    first = pc.cast(parts.field("first"), pa.int32())
    second = pc.cast(parts.field("second"), pa.int32())
    day_first = bool(pc.any(pc.and_(pc.greater(first, 12), pc.less_equal(second, 12))).as_py())
    month_first = bool(pc.any(pc.and_(pc.greater(second, 12), pc.less_equal(first, 12))).as_py())
    return day_first, month_first


def parse_dates(
    values: pa.ChunkedArray | pa.Array,
    fmt: str | None = None,
    *,
    tz: str = "UTC",
    source: str | None = None,
    column: str | None = None,
    file_row: Callable[[int], int] = lambda index: index + 2,
    day_first: bool | None = None,
    fallback: bool = False,
    keep_bad: bool = False,
) -> ParsedDates:
    """Parse a string column into UTC timestamps; naive values are local time in ``tz``.

    The format is ``fmt``, or ISO 8601, or the one inferred from the values; ``day_first``
    is the date order other columns of the file decided (the column's own values win).
    Every non-empty value must parse with the column's one format, otherwise
    :class:`InputError` names the first row that does not (``file_row`` turns a value's
    index into its file row), with its value; with ``keep_bad`` such values are null and
    listed in :attr:`ParsedDates.bad` instead. With ``fallback`` a column no one format
    reads is read value by value with python-dateutil (``March 5, 2024`` beside ISO dates),
    and a column mixing day-first and month-first dates is an error.
    """
    zone = check_time_zone(tz)
    text = _trimmed(values)
    text = pc.if_else(pc.fill_null(pc.equal(text, ""), True), pa.scalar(None, pa.string()), text)
    where = Location(file=source, column=column)
    if text.null_count == len(text):
        return ParsedDates(pa.nulls(len(text), TS), fmt or "empty")
    warning = None
    if fmt is None:
        iso = _try_iso(text)
        if iso is not None:
            stamps, aware = iso
            return ParsedDates(stamps if aware else _to_utc(stamps, "", tz, where), "ISO 8601")
        only_day, only_month = date_evidence(text)
        if fallback and only_day and only_month:
            raise _mixed_order(text, source, column, file_row)
        order = only_day if only_day != only_month else day_first
        check = check_dates(text, day_first=order)
        if fallback and not check.ok:
            dayfirst = bool(order) if order is not None else False
            return ParsedDates(
                _dateutil_column(text, zone, dayfirst, source, column, file_row),
                "mixed (dateutil)",
            )
        fmt = check.format
        if fmt is None:
            raise InputError("no date format fits the values", where, expected=_DATE_EXAMPLES)
        if order is None and fmt[:2] in ("%d", "%m"):
            guess = "day/month" if fmt.startswith("%d") else "month/day"
            warning = (
                f"column {column!r}: no day above 12, so dates were read as {guess} "
                f"({fmt}); reformat the column if that is wrong"
            )
    parsed = _strptime(text, fmt)
    hits = pc.indices_nonzero(_failed(parsed, pc.fill_null(text, "")))
    if len(hits) and not keep_bad:
        index = int(hits[0].as_py())
        raise InputError(
            f"{text[index].as_py()!r} is not a date in the column's format {fmt}",
            Location(file=source, row=file_row(index), column=column),
            expected=f"a date like the other values ({fmt})",
        )
    bad = tuple(int(i) for i in hits.to_pylist())
    return ParsedDates(_to_utc(parsed, fmt, tz, where), fmt, warning, bad)


def _try_iso(values: pa.Array) -> tuple[pa.Array, bool] | None:
    """ISO 8601 via Arrow's cast: (timestamps, aware?) or None when some value is not ISO."""
    present = pc.drop_null(values)
    if not pc.all(pc.match_substring_regex(present, r"^\d{4}-\d{2}-\d{2}")).as_py():
        return None
    for target, aware in ((pa.timestamp("us"), False), (TS, True)):
        try:
            return pc.cast(values, target), aware
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
            continue
    return None


def _dateutil_column(
    text: pa.Array,
    zone: ZoneInfo,
    day_first: bool,
    source: str | None,
    column: str | None,
    file_row: Callable[[int], int],
) -> pa.Array:
    cache: dict[str, datetime] = {}
    out: list[datetime | None] = []
    for index, value in enumerate(text.to_pylist()):
        if value is None:
            out.append(None)
            continue
        moment = cache.get(value)
        if moment is None:
            try:
                moment = dateparser.parse(value, dayfirst=day_first)
            except (ValueError, OverflowError) as exc:
                raise InputError(
                    f"cannot read {value!r} as a date",
                    Location(file=source, row=file_row(index), column=column),
                    expected="a date such as 2024-03-31, 2024-03-31 14:05:00, 3/31/2024 2:05 PM"
                    " or 31-03-2024 14:05",
                ) from exc
            if moment.tzinfo is None:
                moment = moment.replace(tzinfo=zone)
            moment = moment.astimezone(UTC)
            cache[value] = moment
        out.append(moment)
    return pa.array(out, type=TS)


def _mixed_order(
    text: pa.Array, source: str | None, column: str | None, file_row: Callable[[int], int]
) -> InputError:
    texts = text.to_pylist()
    pairs = [(i, _LEADING_PAIR.match(t)) for i, t in enumerate(texts) if t is not None]
    day = next(texts[i] for i, m in pairs if m and int(m["first"]) > 12 >= int(m["second"]))
    month = next(i for i, m in pairs if m and int(m["second"]) > 12 >= int(m["first"]))
    return InputError(
        f"{texts[month]!r} is month-first but {day!r} in the same column is day-first",
        Location(file=source, row=file_row(month), column=column),
        expected="one date order per column",
    )


def _to_utc(parsed: pa.Array, fmt: str, tz: str, where: Location) -> pa.Array:
    """Naive timestamps are local time in ``tz`` (UTC for a format ending in ``Z``)."""
    if pa.types.is_timestamp(parsed.type) and parsed.type.tz is not None:
        return pc.cast(parsed, TS)
    zone = "UTC" if fmt.endswith("Z") else tz
    if zone == "UTC":
        return pc.cast(parsed, TS)
    try:
        local = pc.assume_timezone(
            parsed, timezone=zone, ambiguous="earliest", nonexistent="earliest"
        )
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError) as exc:
        raise InputError(
            f"cannot convert the dates: {str(exc).splitlines()[0]}",
            where,
            expected="a valid time zone name such as Europe/Rome",
        ) from None
    return pc.cast(local, TS)
