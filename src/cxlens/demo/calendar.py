"""Days of the demo window, their seasonality, and conversion to UTC microseconds."""

from __future__ import annotations

from datetime import UTC, date, datetime

import numpy as np
import numpy.typing as npt

US_PER_DAY = 86_400_000_000


def epoch_us(day: date) -> int:
    """Microseconds since 1970-01-01 UTC at midnight of ``day``."""
    return int(datetime(day.year, day.month, day.day, tzinfo=UTC).timestamp()) * 1_000_000


def day_dates(start: date, days: int) -> npt.NDArray[np.datetime64]:
    """The ``days`` calendar days from ``start`` as ``datetime64[D]``."""
    return np.datetime64(start.isoformat(), "D") + np.arange(days)


def seasonality(dates: npt.NDArray[np.datetime64]) -> npt.NDArray[np.float64]:
    """Relative activity of each day: Black Friday and December peaks, a summer dip.

    Also a weekly rhythm (quieter Sundays) and January sales. The mean is about 1.
    """
    months = (dates.astype("datetime64[M]").astype(np.int64) % 12) + 1
    dom = (dates - dates.astype("datetime64[M]")).astype(np.int64) + 1
    weekday = (dates.astype(np.int64) + 3) % 7  # 0 = Monday
    w = np.ones(len(dates))
    w[(months == 7) | (months == 8)] *= 0.72  # summer dip
    w[months == 6] *= 0.9
    w[(months == 1) & (dom <= 14)] *= 1.2  # January sales
    w[(months == 12) & (dom <= 22)] *= 1.55  # December peak
    w[(months == 12) & (dom >= 24) & (dom <= 26)] *= 0.5
    # Black Friday week: the last Friday of November and the days around it.
    black_friday = (months == 11) & (weekday == 4) & (dom >= 23)
    for shift in range(-3, 5):
        idx = np.flatnonzero(black_friday) + shift
        idx = idx[(idx >= 0) & (idx < len(dates))]
        w[idx] *= 2.4 if shift in (0, 3) else 1.7
    w[weekday == 6] *= 0.8
    return w


def quarter_bounds(day: date) -> tuple[date, date]:
    """The first day of the calendar quarter holding ``day`` and of the next quarter."""
    first_month = 3 * ((day.month - 1) // 3) + 1
    begin = date(day.year, first_month, 1)
    end = date(day.year + 1, 1, 1) if first_month == 10 else date(day.year, first_month + 3, 1)
    return begin, end
