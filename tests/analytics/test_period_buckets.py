"""Periods by integer epoch against Python's zoneinfo, at every edge that can go wrong.

The engine numbers periods by comparing epochs with precomputed boundaries; these tests
check it row by row against :func:`period_label` (``datetime.astimezone``) on instants one
microsecond either side of every local midnight and every offset change: daylight saving
time, half- and quarter-hour zones, zones whose clocks change at midnight, a skipped day,
pre-1970 and far-future instants.
"""

from __future__ import annotations

from collections import Counter
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import duckdb
import pyarrow as pa
import pytest

from cxlens.analytics.engine import MetricSpec, ScoreColumn, compute_counts
from cxlens.analytics.period_buckets import (
    DAY_US,
    case_tree,
    offset_segments,
    period_buckets,
)
from cxlens.analytics.periods import PERIODS, period_label
from cxlens.analytics.scales import MetricKind, Scale
from cxlens.core.errors import InputError

SPEC = MetricSpec((ScoreColumn("nps", MetricKind.NPS, Scale(0, 10)),), time="submitted_at")
US = timedelta(microseconds=1)

#: (zone, first day, last day): each window holds offset changes or a calendar oddity.
WINDOWS = [
    ("UTC", date(2024, 12, 20), date(2025, 1, 10)),
    ("Europe/Rome", date(2025, 3, 1), date(2025, 4, 3)),  # CET -> CEST on 30 March
    ("Europe/Rome", date(2024, 9, 28), date(2024, 11, 2)),  # CEST -> CET on 27 October
    ("Europe/Rome", date(1966, 5, 1), date(1966, 10, 2)),  # before 1970: negative epochs
    ("America/New_York", date(2024, 12, 28), date(2025, 1, 3)),  # behind UTC over New Year
    ("Asia/Kolkata", date(2025, 3, 29), date(2025, 4, 2)),  # +05:30
    ("Asia/Kathmandu", date(2024, 12, 30), date(2025, 1, 2)),  # +05:45
    ("Australia/Adelaide", date(2025, 3, 28), date(2025, 4, 8)),  # +10:30 -> +09:30
    ("Australia/Adelaide", date(2024, 9, 28), date(2024, 10, 8)),  # +09:30 -> +10:30
    ("Australia/Lord_Howe", date(2025, 3, 30), date(2025, 4, 8)),  # half-hour DST shift
    ("America/Santiago", date(2024, 8, 30), date(2024, 9, 10)),  # clocks jump at 00:00
    ("America/Santiago", date(2025, 3, 31), date(2025, 4, 8)),  # clocks back at 24:00
    ("America/St_Johns", date(2025, 10, 30), date(2025, 11, 4)),  # -02:30 -> -03:30
    ("Pacific/Apia", date(2011, 12, 27), date(2012, 1, 3)),  # 30 Dec 2011 never happened
    ("Europe/Dublin", date(2040, 3, 20), date(2040, 4, 5)),  # far future, POSIX rule
]


def _edges(tz: str, first: date, last: date) -> list[datetime]:
    """Local midnights and offset changes (found hour by hour, independently), +-1 us."""
    zone = ZoneInfo(tz)
    start = datetime.combine(first, datetime.min.time(), zone).astimezone(UTC)
    stop = datetime.combine(last, datetime.min.time(), zone).astimezone(UTC)
    moments: list[datetime] = []
    day = first
    while day <= last:
        moments.append(datetime.combine(day, datetime.min.time(), zone).astimezone(UTC))
        day += timedelta(days=1)
    t = start
    while t < stop:
        nxt = t + timedelta(minutes=15)
        if t.astimezone(zone).utcoffset() != nxt.astimezone(zone).utcoffset():
            moments.append(nxt)  # offsets change on quarter hours
        t = nxt
    return sorted({m + d for m in moments for d in (-US, timedelta(0), US, timedelta(hours=1))})


def _table(moments: list[datetime]) -> pa.Table:
    return pa.table(
        {
            "nps": pa.array([5.0] * len(moments)),
            "submitted_at": pa.array(moments, pa.timestamp("us", tz="UTC")),
        }
    )


def _n_by_label(table: pa.Table, period: str, tz: str) -> Counter[str | None]:
    counts = compute_counts(table, SPEC, period=period, tz=tz)
    return Counter({label: c["nps"].n for (_, label), c in counts.items()})


@pytest.mark.parametrize(("tz", "first", "last"), WINDOWS)
def test_every_period_matches_zoneinfo_at_the_edges(tz: str, first: date, last: date) -> None:
    moments = _edges(tz, first, last)
    table = _table(moments)
    for period in PERIODS:
        want = Counter(period_label(m, period, tz) for m in moments)
        assert _n_by_label(table, period, tz) == want, period


def test_rome_spring_forward_and_march_end() -> None:
    # 22:00 UTC on 31 March 2025 is midnight on 1 April in Rome (CEST since 30 March).
    moments = [datetime(2025, 3, 31, 21, 59, 59, 999999, tzinfo=UTC),
               datetime(2025, 3, 31, 22, 0, tzinfo=UTC),
               datetime(2025, 3, 30, 0, 59, 59, tzinfo=UTC),  # 01:59:59 CET
               datetime(2025, 3, 30, 1, 0, tzinfo=UTC)]  # fmt: skip
    t = _table(moments)
    assert _n_by_label(t, "month", "Europe/Rome") == {"2025-03": 3, "2025-04": 1}
    assert _n_by_label(t, "day", "Europe/Rome") == {"2025-03-30": 2, "2025-03-31": 1,
                                                    "2025-04-01": 1}  # fmt: skip
    assert _n_by_label(t, "month", "UTC") == {"2025-03": 4}


def test_every_time_type_and_missing_times() -> None:
    moments = [datetime(2025, 3, 31, 22, 30, tzinfo=UTC), datetime(2025, 3, 1, tzinfo=UTC)]
    base = pa.array([*moments, None], pa.timestamp("us", tz="UTC"))
    want = {"2025-03": 1, "2025-04": 1, None: 1}
    for arrow_type in (pa.timestamp("us"), pa.timestamp("ns", tz="UTC"), pa.timestamp("ms"),
                       pa.timestamp("s"), pa.timestamp("ns")):  # fmt: skip
        t = pa.table({"nps": [1.0, 2.0, 3.0], "submitted_at": base.cast(arrow_type)})
        assert _n_by_label(t, "month", "Europe/Rome") == want, arrow_type
    dates = pa.table({"nps": [1.0, 2.0], "submitted_at": [date(2025, 3, 31), date(2025, 4, 1)]})
    assert _n_by_label(dates, "month", "Pacific/Auckland") == {"2025-03": 1, "2025-04": 1}
    nothing = pa.table({"nps": [1.0], "submitted_at": pa.array([None], pa.timestamp("us"))})
    assert _n_by_label(nothing, "week", "Europe/Rome") == {None: 1}


def test_duckdb_relation_and_by_columns_with_periods() -> None:
    moments = _edges("Australia/Adelaide", date(2025, 3, 30), date(2025, 4, 10))
    shops = ["a" if i % 3 else "b" for i in range(len(moments))]
    table = _table(moments).append_column("shop", pa.array(shops))
    rel = duckdb.connect().from_arrow(table)
    got = compute_counts(rel, SPEC, by=["shop"], period="week", tz="Australia/Adelaide")
    want = Counter(
        ((s,), period_label(m, "week", "Australia/Adelaide"))
        for s, m in zip(shops, moments, strict=True)
    )
    assert Counter({k: c["nps"].n for k, c in got.items()}) == want


def test_time_outside_the_calendar_is_an_input_error() -> None:
    far = pa.array([253_402_300_800_000_000 + DAY_US * 400], pa.timestamp("us", tz="UTC"))
    t = pa.table({"nps": [5.0], "submitted_at": far})  # in the year 10001
    with pytest.raises(InputError) as err:
        compute_counts(t, SPEC, period="month")
    assert err.value.location.column == "submitted_at"


def test_offset_segments_find_each_change_to_the_second() -> None:
    lo = int(datetime(2025, 1, 1, tzinfo=UTC).timestamp()) * 1_000_000
    hi = int(datetime(2025, 12, 31, tzinfo=UTC).timestamp()) * 1_000_000
    hour = 3_600_000_000
    spring = int(datetime(2025, 3, 30, 1, tzinfo=UTC).timestamp()) * 1_000_000
    autumn = int(datetime(2025, 10, 26, 1, tzinfo=UTC).timestamp()) * 1_000_000
    assert offset_segments(ZoneInfo("Europe/Rome"), lo, hi) == [
        (lo, hour),
        (spring, 2 * hour),
        (autumn, hour),
    ]
    assert offset_segments(ZoneInfo("Asia/Kolkata"), lo, hi) == [(lo, 5 * hour + hour // 2)]


def test_case_tree_bisects() -> None:
    con = duckdb.connect()
    sql = case_tree("x", [0, 10, 20, 30, 40], ["'a'", "'b'", "'c'", "'d'", "'e'"])
    for x, want in [(-5, "a"), (9, "a"), (10, "b"), (29, "c"), (30, "d"), (40, "e"), (99, "e")]:
        assert con.sql(f"SELECT {sql} FROM (SELECT {x} AS x)").fetchall() == [(want,)]


def test_labels_of_buckets() -> None:
    lo = int(datetime(2024, 12, 31, 23, tzinfo=UTC).timestamp()) * 1_000_000  # 00:00 in Rome
    week = period_buckets("x", "week", "Europe/Rome", lo, lo + 20 * DAY_US)
    assert week.first_day.weekday() == 0
    assert week.label(1) == "2025-W01"
    assert period_buckets("x", "quarter", "UTC", lo, lo).label(4 * 2025 + 1) == "2025-Q2"
    assert period_buckets("x", "month", "UTC", lo, lo).label(12 * 2025) == "2025-01"
    assert period_buckets("x", "year", "UTC", lo, lo).label(1999) == "1999"


def test_two_centuries_apart() -> None:
    moments = [datetime(1900, 1, 1, tzinfo=UTC), datetime(2000, 6, 30, 22, 30, tzinfo=UTC),
               datetime(2100, 12, 31, 23, 30, tzinfo=UTC)]  # fmt: skip
    for period in PERIODS:
        want = Counter(period_label(m, period, "Europe/Rome") for m in moments)
        assert _n_by_label(_table(moments), period, "Europe/Rome") == want
