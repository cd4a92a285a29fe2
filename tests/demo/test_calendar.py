from __future__ import annotations

from datetime import date

import numpy as np

from cxlens.demo.calendar import day_dates, epoch_us, quarter_bounds, seasonality


def test_black_friday_is_the_busiest_week() -> None:
    dates = day_dates(date(2024, 1, 1), 366)
    w = seasonality(dates)
    busiest = dates[int(np.argmax(w))]
    assert busiest in (np.datetime64("2024-11-29"), np.datetime64("2024-12-02"))
    assert 0.8 < w.mean() < 1.3


def test_quarter_bounds() -> None:
    assert quarter_bounds(date(2025, 8, 15)) == (date(2025, 7, 1), date(2025, 10, 1))
    assert quarter_bounds(date(2025, 12, 31)) == (date(2025, 10, 1), date(2026, 1, 1))


def test_epoch_us() -> None:
    assert epoch_us(date(1970, 1, 2)) == 86_400_000_000
