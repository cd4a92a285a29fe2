"""Number the calendar period of each row with integer arithmetic instead of time zones.

Truncating every timestamp to its local month (``date_trunc('month', timezone(tz, ts))``)
converts each row through the time-zone database, which costs more than all the counting.
The period of an instant, though, is a step function of its UTC epoch with only a few
steps over the span of the data: one per period, plus the offset changes of the zone.
So the steps are computed once here, in Python with :mod:`zoneinfo` (the same rules as
:func:`cxlens.analytics.periods.period_label`), and the engine compares the integer
``epoch_us`` of each row with them:

- month, quarter, year: a balanced ``CASE`` tree over the step boundaries (a handful of
  integer comparisons per row) gives the bucket number;
- day, ISO week: a ``CASE`` tree gives the zone's UTC offset (one step per daylight-saving
  change), and integer division of the local epoch gives the day or the week.

Each bucket number maps back to the label of :mod:`cxlens.analytics.periods`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from cxlens.analytics.periods import check_period, label_for_date, period_start, zone

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

    ``sql`` yields an integer (NULL where the time is NULL). Labels come either from
    ``labels`` (bucket i has ``labels[i]``) or, for days and weeks, from ``first_day``
    (bucket i starts ``i`` days or weeks after it).
    """

    sql: str
    period: str
    labels: tuple[str, ...] = ()
    first_day: date | None = None

    def label(self, bucket: int) -> str:
        """The period label of bucket number ``bucket``."""
        if self.first_day is None:
            return self.labels[bucket]
        days = 7 * bucket if self.period == "week" else bucket
        return label_for_date(self.first_day + timedelta(days=days), self.period)


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
    last everything after. ``x`` must not be NULL (callers guard it).
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


def _next_start(day: date, period: str) -> date:
    start = period_start(day, period)
    if period == "month":
        return date(start.year + start.month // 12, start.month % 12 + 1, 1)
    if period == "quarter":
        return date(start.year + start.month // 10, (start.month + 2) % 12 + 1, 1)
    return date(start.year + 1, 1, 1)


def _calendar_steps(
    segments: list[tuple[int, int]], hi_us: int, period: str
) -> tuple[list[int], list[str]]:
    """UTC starts and labels of the stretches of constant period (months and longer)."""
    starts: list[int] = []
    labels: list[str] = []

    def add(start: int, label: str) -> None:
        if not labels or labels[-1] != label:
            starts.append(start)
            labels.append(label)

    for i, (start, offset) in enumerate(segments):
        end = segments[i + 1][0] if i + 1 < len(segments) else hi_us + 1
        day = _local_date(start + offset)
        add(start, label_for_date(day, period))
        nxt = _next_start(day, period)
        while _date_us(nxt) - offset < end:
            add(_date_us(nxt) - offset, label_for_date(nxt, period))
            nxt = _next_start(nxt, period)
    return starts, labels


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
        width = 7 * DAY_US if period == "week" else DAY_US
        # Bucket 0 starts a week before the first local day (clocks turned back by a
        # daylight-saving change never reach it), on a Monday for weeks (1970-01-01 was a
        # Thursday), so every division is of a non-negative number.
        first = _local_date(lo_us + segments[0][1]) - timedelta(days=7)
        if period == "week":
            first -= timedelta(days=first.weekday())
        starts = [s for s, _ in segments]
        offset = case_tree(x, starts, [str(o - _date_us(first)) for _, o in segments])
        return PeriodBuckets(f"(({x} + {offset}) // {width})", period, first_day=first)
    starts, labels = _calendar_steps(segments, hi_us, period)
    # A label can recur (clocks turned back over a period boundary): one number per label.
    numbers = {label: i for i, label in enumerate(dict.fromkeys(labels))}
    tree = case_tree(x, starts, [str(numbers[label]) for label in labels])
    sql = f"CASE WHEN {x} IS NULL THEN NULL ELSE {tree} END"
    return PeriodBuckets(sql, period, labels=tuple(numbers))
