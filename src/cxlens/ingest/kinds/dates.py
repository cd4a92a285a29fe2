"""Date columns of cases, referrals and reviews, read with the one date parser.

The parsing itself is :func:`cxlens.ingest.dates.parse_dates`; this module takes a column of
a raw table (null tokens such as ``NA`` or ``?`` made empty), lets one column of a file
decide the date order of the others, and reads the epoch milliseconds of Google Play.
Values no single format fits are read one by one with python-dateutil (``fallback``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import UTC, datetime

import pyarrow as pa

from cxlens.core.tables import TS
from cxlens.ingest.dates import ParsedDates, check_time_zone, date_evidence, parse_dates

from ._common import RawLike, clean_array, clean_values, value_error

__all__ = [
    "ParsedDates",
    "check_time_zone",
    "date_order",
    "from_epoch_millis",
    "parse_date_column",
    "parse_date_columns",
]


def date_order(raw: RawLike, columns: Iterable[str]) -> bool | None:
    """Whether the dates in ``columns`` are day-first (True), month-first (False) or unknown.

    One column may decide for the others of the same file (``29/2/2016`` in "opened" tells
    how to read ``6/3/2016`` in "closed").
    """
    day_first = month_first = False
    for column in columns:
        day, month = date_evidence(clean_array(raw, column))
        day_first, month_first = day_first or day, month_first or month
    if day_first == month_first:
        return None
    return day_first


def parse_date_column(
    raw: RawLike, column: str, *, tz: str = "UTC", day_first: bool | None = None
) -> ParsedDates:
    """Parse one column of ``raw`` as dates/times, returning UTC timestamps.

    ``day_first`` is the date order decided by other columns of the file (see
    :func:`date_order`); the column's own values win when they decide. Raises
    :class:`InputError` naming the file, row and column of the first value that is not a
    date.
    """
    return parse_dates(
        clean_array(raw, column),
        tz=tz,
        source=raw.source,
        column=column,
        file_row=raw.file_row,
        day_first=day_first,
        fallback=True,
    )


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
        parsed = parse_date_column(raw, column, tz=tz, day_first=hint)
        out[name] = parsed.values.to_pylist()
        if parsed.warning:
            warnings.append(parsed.warning)
    return out, warnings


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
