"""Number the calendar period of each row with integer arithmetic instead of time zones.

Truncating every timestamp to its local month (``date_trunc('month', timezone(tz, ts))``)
converts each row through the time-zone database, which costs more than all the counting.
But a zone's UTC offset is a step function of time with few steps (none for UTC or
Asia/Kolkata, two a year where clocks change). So the steps over the span of the data are
found once here, in Python with :mod:`zoneinfo` (the same rules as
:func:`cxlens.analytics.periods.period_label`), and the engine gets each row's local wall
time as ``epoch_us + offset``, the offset chosen by a small balanced ``CASE`` tree of
integer comparisons. From the local time:

- day and ISO week: integer division (from a Monday for weeks);
- month, quarter, year: ``year()``, ``quarter()``, ``month()`` of the naive local
  timestamp, which need no time-zone database.

Each bucket number maps back to the label of :mod:`cxlens.analytics.periods`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from cxlens.analytics.periods import check_period, label_for_date, zone

SECOND_US = 1_000_000
DAY_US = 86_400 * SECOND_US
_EPOCH = date(1970, 1, 1)
#: Offset changes are looked for at this step; zones never change offset twice in a day.
_SCAN_S = 86_400
#: Python's dates end at year 9999: instants outside these bounds cannot be labelled.
_MIN_S = int(datetime(1, 1, 2, tzinfo=UTC).timestamp())
_MAX_S = int(datetime(9998, 12, 31, tzinfo=UTC).timestamp())
MIN_US, MAX_US = _MIN_S * SECOND_US, _MAX_S * SECOND_US


@dataclass(frozen=True)
class PeriodBuckets:
    """An SQL expression numbering the period of each row, and the label of each number.

    ``sql`` yields an integer (NULL where the time is NULL): for days and weeks, the
    number of days or weeks since ``first_day``; for months ``12 * year + month - 1``,
    for quarters ``4 * year + quarter - 1``, for years the year.
    """

    sql: str
    period: str
    first_day: date = _EPOCH

    def label(self, bucket: int) -> str:
        """The period label of bucket number ``bucket``."""
        if self.period == "day":
            day = self.first_day + timedelta(days=bucket)
        elif self.period == "week":
            day = self.first_day + timedelta(days=7 * bucket)
        elif self.period == "month":
            day = date(bucket // 12, bucket % 12 + 1, 1)
        elif self.period == "quarter":
            day = date(bucket // 4, 3 * (bucket % 4) + 1, 1)
        else:
            day = date(bucket, 1, 1)
        return label_for_date(day, self.period)


def _offset_s(tz: ZoneInfo, second: int) -> int:
    delta = datetime.fromtimestamp(second, tz).utcoffset()
    return 0 if delta is None else delta.days * 86_400 + delta.seconds


def offset_segments(tz: ZoneInfo, lo_us: int, hi_us: int) -> list[tuple[int, int]]:
    """Stretches of constant UTC offset covering ``[lo_us, hi_us]`` (epoch microseconds).

    Returns ``(start_us, offset_us)`` pairs in time order; the first starts at ``lo_us``.
    Offsets are looked up once a day and each change is located to the second by
    bisection, so a span of years costs a few hundred look-ups.
    """
    lo_s = max(_MIN_S, min(_MAX_S, lo_us // SECOND_US))
    hi_s = max(_MIN_S, min(_MAX_S, hi_us // SECOND_US + 1))
    current = _offset_s(tz, lo_s)
    segments = [(lo_us, current * SECOND_US)]
    t = lo_s
    while t < hi_s:
        step = min(t + _SCAN_S, hi_s)
        if _offset_s(tz, step) == current:
            t = step
            continue
        a, b = t, step  # offset(a) == current != offset(b)
        while b - a > 1:
            mid = (a + b) // 2
            if _offset_s(tz, mid) == current:
                a = mid
            else:
                b = mid
        current = _offset_s(tz, b)
        segments.append((b * SECOND_US, current * SECOND_US))
        t = b
    return segments


def case_tree(x: str, starts: list[int], values: list[str]) -> str:
    """SQL giving ``values[i]`` where ``starts[i] <= x < starts[i + 1]`` (by bisection).

    ``starts[0]`` is not compared: the first value also covers everything before it, the
    last everything after, and NULL (so ``x + tree`` stays NULL).
    """
    if len(values) == 1:
        return values[0]
    mid = len(values) // 2
    left = case_tree(x, starts[:mid], values[:mid])
    right = case_tree(x, starts[mid:], values[mid:])
    return f"CASE WHEN {x} < {starts[mid]} THEN {left} ELSE {right} END"


def _local_date(local_us: int) -> date:
    return _EPOCH + timedelta(days=local_us // DAY_US)


def _date_us(day: date) -> int:
    return (day - _EPOCH).days * DAY_US


def period_buckets(
    epoch_us_sql: str, period: str, tz: str, lo_us: int, hi_us: int
) -> PeriodBuckets:
    """Bucket numbering of ``period`` in zone ``tz`` for instants within ``[lo_us, hi_us]``.

    ``epoch_us_sql`` is an SQL expression of the row's instant in microseconds since the
    epoch (UTC), NULL where unknown; ``lo_us``/``hi_us`` are its minimum and maximum.
    """
    check_period(period)
    segments = offset_segments(zone(tz), lo_us, hi_us)
    x = epoch_us_sql
    if period in ("day", "week"):
        # Bucket 0 starts a week before the first local day (clocks turned back by a
        # daylight-saving change never reach it), on a Monday for weeks, so every division
        # is of a non-negative number (DuckDB's // truncates towards zero).
        first = _local_date(lo_us + segments[0][1]) - timedelta(days=7)
        if period == "week":
            first -= timedelta(days=first.weekday())
        width = 7 * DAY_US if period == "week" else DAY_US
        shift = _date_us(first)
        offset = case_tree(x, [s for s, _ in segments], [str(o - shift) for _, o in segments])
        return PeriodBuckets(f"(({x} + {offset}) // {width})", period, first_day=first)
    offset = case_tree(x, [s for s, _ in segments], [str(o) for _, o in segments])
    local = f"make_timestamp({x} + {offset})"
    if period == "month":
        sql = f"(12 * year({local}) + month({local}) - 1)"
    elif period == "quarter":
        sql = f"(4 * year({local}) + quarter({local}) - 1)"
    else:
        sql = f"year({local})"
    return PeriodBuckets(sql, period)
