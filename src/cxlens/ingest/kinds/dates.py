"""Reading a column of dates and times, with the format inferred from the column's values.

Exports write dates as ISO 8601, ``YYYY-MM-DD HH:MM:SS``, ``M/D/YYYY h:mm AM``,
``DD-MM-YYYY HH:MM`` ... The format is chosen once per column: the first candidate that
reads every value (Arrow's vectorised ``strptime``). Day-first against month-first is
decided by the values (a day above 12); when nothing decides, ``/`` is read month-first
(US exports) and ``-`` or ``.`` day-first, with a warning. Values no candidate fits are read
one by one with python-dateutil. Naive times are in ``tz``; everything is stored as UTC.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import pyarrow as pa
import pyarrow.compute as pc
from dateutil import parser as dateparser

from cxlens.core.errors import InputError
from cxlens.core.tables import TS

from ._common import RawLike, clean_array, clean_values, value_error

_NAIVE = pa.timestamp("us")
_TIMES = ("", " %H:%M", " %H:%M:%S", " %I:%M %p", " %I:%M:%S %p", " %I:%M%p")
_DATES_MONTH_FIRST = ("%m/%d/%Y", "%m-%d-%Y", "%m/%d/%y")
_DATES_DAY_FIRST = ("%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%d/%m/%y", "%d.%m.%y")
_DATES_YEAR_FIRST = ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d")
_LEADING_PAIR = re.compile(r"^\s*(?P<first>\d{1,2})(?P<sep>[/.-])(?P<second>\d{1,2})[/.-]\d{2,4}")
_SAMPLE = 2000


@dataclass(frozen=True, slots=True)
class ParsedDates:
    """A parsed column: UTC timestamps, the format used, and a warning if it was a guess."""

    values: pa.Array
    format: str
    warning: str | None = None


def check_time_zone(tz: str) -> ZoneInfo:
    """The zone named ``tz`` (IANA name such as ``Europe/Rome``), or an InputError."""
    try:
        return ZoneInfo(tz)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise InputError(
            f"unknown time zone {tz!r}", expected="an IANA time zone such as 'Europe/Rome'"
        ) from exc


def _day_first_evidence(values: pa.Array) -> tuple[bool, bool, str]:
    """Whether some value can only be day-first, some only month-first, and the separator."""
    matching = pc.filter(values, pc.match_substring_regex(values, _LEADING_PAIR.pattern))
    parts = pc.extract_regex(matching, pattern=_LEADING_PAIR.pattern)
    first = pc.cast(parts.field("first"), pa.int32())
    second = pc.cast(parts.field("second"), pa.int32())
    seps = pc.drop_null(parts.field("sep"))
    separator = str(seps[0].as_py()) if len(seps) else ""
    day_first = bool(pc.any(pc.and_(pc.greater(first, 12), pc.less_equal(second, 12))).as_py())
    month_first = bool(pc.any(pc.and_(pc.greater(second, 12), pc.less_equal(first, 12))).as_py())
    return day_first, month_first, separator


def _candidates(day_first: bool, month_first: bool, separator: str) -> list[str]:
    dates: tuple[str, ...]
    if day_first and not month_first:
        dates = _DATES_YEAR_FIRST + _DATES_DAY_FIRST
    elif month_first and not day_first:
        dates = _DATES_YEAR_FIRST + _DATES_MONTH_FIRST
    elif separator == "/":
        dates = _DATES_YEAR_FIRST + _DATES_MONTH_FIRST + _DATES_DAY_FIRST
    else:
        dates = _DATES_YEAR_FIRST + _DATES_DAY_FIRST + _DATES_MONTH_FIRST
    return [date + time for date in dates for time in _TIMES]


def _reads_all(values: pa.Array, fmt: str) -> pa.Array | None:
    parsed = pc.strptime(values, format=fmt, unit="us", error_is_null=True)
    if parsed.null_count != values.null_count:
        return None
    if "%Y" in fmt and pc.min(pc.year(parsed)).as_py() < 1000:
        return None  # a two-digit year read by %Y
    return parsed


def _try_iso(values: pa.Array) -> tuple[pa.Array, bool] | None:
    """ISO 8601 via Arrow's cast: (timestamps, aware?) or None when some value is not ISO."""
    present = pc.drop_null(values)
    if not pc.all(pc.match_substring_regex(present, r"^\d{4}-\d{2}-\d{2}")).as_py():
        return None
    for target, aware in ((_NAIVE, False), (TS, True)):
        try:
            return pc.cast(values, target), aware
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
            continue
    return None


def _localize(naive: pa.Array, tz: str) -> pa.Array:
    if tz == "UTC":
        return naive.cast(TS)
    local = pc.assume_timezone(naive, timezone=tz, ambiguous="earliest", nonexistent="latest")
    return local.cast(TS)


def _dateutil_column(
    raw: RawLike, column: str, texts: list[str | None], zone: ZoneInfo, day_first: bool
) -> pa.Array:
    cache: dict[str, datetime] = {}
    out: list[datetime | None] = []
    for index, text in enumerate(texts):
        if text is None:
            out.append(None)
            continue
        moment = cache.get(text)
        if moment is None:
            try:
                moment = dateparser.parse(text, dayfirst=day_first)
            except (ValueError, OverflowError) as exc:
                raise value_error(
                    raw,
                    index,
                    column,
                    text,
                    "a date such as 2024-03-31, 2024-03-31 14:05:00, 3/31/2024 2:05 PM "
                    "or 31-03-2024 14:05",
                    f"cannot read {text!r} as a date",
                ) from exc
            if moment.tzinfo is None:
                moment = moment.replace(tzinfo=zone)
            moment = moment.astimezone(UTC)
            cache[text] = moment
        out.append(moment)
    return pa.array(out, type=TS)


def date_order(raw: RawLike, columns: Iterable[str]) -> bool | None:
    """Whether the dates in ``columns`` are day-first (True), month-first (False) or unknown.

    One column may decide for the others of the same file (``29/2/2016`` in "opened" tells
    how to read ``6/3/2016`` in "closed").
    """
    day_first = month_first = False
    for column in columns:
        day, month, _ = _day_first_evidence(clean_array(raw, column))
        day_first, month_first = day_first or day, month_first or month
    if day_first == month_first:
        return None
    return day_first


def parse_date_columns(
    raw: RawLike, columns: Mapping[str, str], *, tz: str = "UTC"
) -> tuple[dict[str, list[datetime | None]], list[str]]:
    """Parse several date columns of one file (field → column) with one date order.

    Returns the UTC datetimes per field and the warnings (a guessed order is said once).
    """
    hint = date_order(raw, columns.values())
    out: dict[str, list[datetime | None]] = {}
    warnings: list[str] = []
    for name, column in columns.items():
        parsed = parse_dates(raw, column, tz=tz, day_first=hint)
        out[name] = parsed.values.to_pylist()
        if parsed.warning:
            warnings.append(parsed.warning)
    return out, warnings


def parse_dates(
    raw: RawLike, column: str, *, tz: str = "UTC", day_first: bool | None = None
) -> ParsedDates:
    """Parse one column of ``raw`` as dates/times, returning UTC timestamps.

    ``day_first`` is the date order decided by other columns of the file (see
    :func:`date_order`); the column's own values win when they decide. Raises
    :class:`InputError` naming the file, row and column of the first value that is not a
    date.
    """
    zone = check_time_zone(tz)
    values = clean_array(raw, column)
    if values.null_count == len(values):
        return ParsedDates(pa.nulls(len(values), type=TS), "empty")
    iso = _try_iso(values)
    if iso is not None:
        stamps, aware = iso
        return ParsedDates(stamps if aware else _localize(stamps, tz), "ISO 8601")
    hint = day_first
    day_first, month_first, separator = _day_first_evidence(values)
    if day_first and month_first:
        raise _mixed_order(raw, column, values)
    if not (day_first or month_first) and hint is not None:
        day_first, month_first = hint, not hint
    sample = pc.unique(pc.drop_null(values)).slice(0, _SAMPLE)
    for fmt in _candidates(day_first, month_first, separator):
        if _reads_all(sample, fmt) is None:
            continue
        parsed = _reads_all(values, fmt)
        if parsed is None:
            continue
        warning = None
        if hint is None and not (day_first or month_first) and fmt[:2] in ("%d", "%m"):
            order = "day/month" if fmt.startswith("%d") else "month/day"
            warning = (
                f"column {column!r}: no day above 12, so dates were read as {order} "
                f"({fmt}); reformat the column if that is wrong"
            )
        return ParsedDates(_localize(parsed, tz), fmt, warning)
    stamps = _dateutil_column(raw, column, values.to_pylist(), zone, day_first)
    return ParsedDates(stamps, "mixed (dateutil)")


def _mixed_order(raw: RawLike, column: str, values: pa.Array) -> InputError:
    texts = values.to_pylist()
    pairs = [(i, _LEADING_PAIR.match(t)) for i, t in enumerate(texts) if t is not None]
    day = next(texts[i] for i, m in pairs if m and int(m["first"]) > 12 >= int(m["second"]))
    month = next(i for i, m in pairs if m and int(m["second"]) > 12 >= int(m["first"]))
    return value_error(
        raw,
        month,
        column,
        texts[month],
        "one date order per column",
        f"{texts[month]!r} is month-first but {day!r} in the same column is day-first",
    )


def from_epoch_millis(raw: RawLike, column: str) -> pa.Array:
    """Parse a column of milliseconds since the Unix epoch (Google Play exports)."""
    out: list[datetime | None] = []
    for index, text in enumerate(clean_values(raw, column)):
        if text is None:
            out.append(None)
            continue
        try:
            out.append(datetime.fromtimestamp(int(text) / 1000, tz=UTC))
        except (ValueError, OverflowError, OSError) as exc:
            raise value_error(
                raw, index, column, text, "milliseconds since 1970-01-01 (an integer)"
            ) from exc
    return pa.array(out, type=TS)
