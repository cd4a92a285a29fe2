"""Calendar periods: day, week (ISO), month, quarter, year, in a chosen time zone.

Labels are stable strings that sort chronologically within one granularity:
``"2025-03-14"``, ``"2025-W11"``, ``"2025-03"``, ``"2025-Q1"``, ``"2025"``.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from cxlens.core.errors import ConfigurationError

PERIODS: tuple[str, ...] = ("day", "week", "month", "quarter", "year")


def check_period(period: str) -> str:
    """Return ``period`` if it is known, else raise :class:`ConfigurationError`."""
    if period not in PERIODS:
        raise ConfigurationError(
            f"unknown period {period!r}; valid periods are: {', '.join(PERIODS)}"
        )
    return period


def zone(tz: str) -> ZoneInfo:
    """The :class:`ZoneInfo` for an IANA name, or :class:`ConfigurationError`."""
    try:
        return ZoneInfo(tz)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ConfigurationError(
            f"unknown time zone {tz!r}; use an IANA name such as 'UTC' or 'Europe/Rome'"
        ) from exc


def period_start(day: date, period: str) -> date:
    """First day of the period containing ``day`` (weeks start on Monday, ISO 8601)."""
    check_period(period)
    if period == "day":
        return day
    if period == "week":
        return day - timedelta(days=day.weekday())
    if period == "month":
        return day.replace(day=1)
    if period == "quarter":
        return date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)
    return date(day.year, 1, 1)


def label_for_date(day: date, period: str) -> str:
    """Label of the period containing the local calendar date ``day``."""
    check_period(period)
    if period == "day":
        return day.isoformat()
    if period == "week":
        year, week, _ = day.isocalendar()
        return f"{year}-W{week:02d}"
    if period == "month":
        return f"{day.year}-{day.month:02d}"
    if period == "quarter":
        return f"{day.year}-Q{(day.month - 1) // 3 + 1}"
    return f"{day.year}"


def period_label(moment: datetime, period: str, tz: str = "UTC") -> str:
    """Label of the period containing ``moment`` as seen in time zone ``tz``.

    A naive ``moment`` is taken as UTC (the normalised tables store UTC).
    """
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return label_for_date(moment.astimezone(zone(tz)).date(), period)


_PATTERNS = {
    "day": re.compile(r"^(\d{4})-(\d{2})-(\d{2})$"),
    "week": re.compile(r"^(\d{4})-W(\d{2})$"),
    "month": re.compile(r"^(\d{4})-(\d{2})$"),
    "quarter": re.compile(r"^(\d{4})-Q([1-4])$"),
    "year": re.compile(r"^(\d{4})$"),
}


def label_start(label: str, period: str) -> date:
    """First day of the period named by ``label``; :class:`ConfigurationError` if malformed."""
    check_period(period)
    match = _PATTERNS[period].match(label)
    if match is None:
        raise ConfigurationError(f"{label!r} is not a {period} label")
    nums = [int(g) for g in match.groups()]
    try:
        if period == "day":
            return date(nums[0], nums[1], nums[2])
        if period == "week":
            return date.fromisocalendar(nums[0], nums[1], 1)
        if period == "month":
            return date(nums[0], nums[1], 1)
        if period == "quarter":
            return date(nums[0], 3 * (nums[1] - 1) + 1, 1)
        return date(nums[0], 1, 1)
    except ValueError as exc:
        raise ConfigurationError(f"{label!r} is not a valid {period} label") from exc


def previous_label(label: str, period: str) -> str:
    """Label of the period just before ``label`` (for trends and their significance)."""
    start = label_start(label, period)
    if period in ("day", "week"):
        return label_for_date(start - timedelta(days=1), period)
    if period == "month":
        return label_for_date((start - timedelta(days=1)).replace(day=1), period)
    if period == "quarter":
        return label_for_date(date(start.year, start.month, 1) - timedelta(days=1), period)
    return f"{start.year - 1}"
