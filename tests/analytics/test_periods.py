"""Period labels, time zones and previous periods."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from cxlens.analytics.periods import (
    PERIODS,
    label_for_date,
    label_start,
    period_label,
    previous_label,
)
from cxlens.core.errors import ConfigurationError


@pytest.mark.parametrize(
    ("period", "label"),
    [("day", "2025-03-14"), ("week", "2025-W11"), ("month", "2025-03"),
     ("quarter", "2025-Q1"), ("year", "2025")],
)  # fmt: skip
def test_labels(period: str, label: str) -> None:
    assert label_for_date(date(2025, 3, 14), period) == label
    assert label_start(label, period) <= date(2025, 3, 14)


def test_time_zone_moves_the_period() -> None:
    # 22:30 UTC on 31 March 2025 is 00:30 on 1 April in Rome (CEST, UTC+2 since 30 March).
    moment = datetime(2025, 3, 31, 22, 30, tzinfo=UTC)
    assert period_label(moment, "month", "UTC") == "2025-03"
    assert period_label(moment, "month", "Europe/Rome") == "2025-04"
    assert period_label(moment, "quarter", "Europe/Rome") == "2025-Q2"
    # Naive datetimes are UTC.
    assert period_label(datetime(2025, 3, 31, 22, 30), "day", "Europe/Rome") == "2025-04-01"
    # New York is behind UTC: 02:00 UTC on 1 Jan 2025 is still 2024 there.
    assert period_label(datetime(2025, 1, 1, 2, tzinfo=UTC), "year", "America/New_York") == "2024"


def test_iso_weeks_cross_years() -> None:
    assert label_for_date(date(2024, 12, 30), "week") == "2025-W01"
    assert label_for_date(date(2021, 1, 3), "week") == "2020-W53"
    assert previous_label("2025-W01", "week") == "2024-W52"
    assert previous_label("2021-W01", "week") == "2020-W53"


@pytest.mark.parametrize(
    ("period", "label", "previous"),
    [("day", "2024-03-01", "2024-02-29"), ("month", "2025-01", "2024-12"),
     ("quarter", "2025-Q1", "2024-Q4"), ("quarter", "2025-Q3", "2025-Q2"),
     ("year", "2025", "2024"), ("week", "2025-W11", "2025-W10")],
)  # fmt: skip
def test_previous(period: str, label: str, previous: str) -> None:
    assert previous_label(label, period) == previous


def test_unknown_period_lists_valid_ones() -> None:
    with pytest.raises(ConfigurationError) as err:
        label_for_date(date(2025, 1, 1), "fortnight")
    for p in PERIODS:
        assert p in str(err.value)
    with pytest.raises(ConfigurationError):
        period_label(datetime(2025, 1, 1), "day", "Mars/Olympus")
    with pytest.raises(ConfigurationError):
        label_start("2025-13", "month")
