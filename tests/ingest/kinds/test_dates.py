"""Date columns: format inferred per column, order decided per file, naive times in tz."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from cxlens.core.errors import InputError
from cxlens.ingest.kinds.dates import check_time_zone, parse_date_column, parse_date_columns
from cxlens.ingest.raw import RawTable

Load = Callable[..., RawTable]


def column(raw: RawTable, name: str, tz: str = "UTC") -> list[datetime | None]:
    values: list[datetime | None] = parse_date_column(raw, name, tz=tz).values.to_pylist()
    return values


def test_formats(csv_raw: Load) -> None:
    raw = csv_raw(
        "iso;us;eu;dots;aware\n"
        "2024-03-05T14:22:10;3/5/2024 2:22 PM;05-03-2024 14:22;05.03.2024;"
        "2024-03-05T14:22:10+02:00\n"
        "2024-12-31 23:59:59;12/31/2024 11:59 PM;31-12-2024 23:59;31.12.2024;2024-12-31T23:59:59Z\n"
    )
    expected = [datetime(2024, 3, 5, 14, 22, 10, tzinfo=UTC), datetime(2024, 12, 31, 23, 59, 59)]
    assert column(raw, "iso") == [expected[0], expected[1].replace(tzinfo=UTC)]
    assert column(raw, "us") == [
        datetime(2024, 3, 5, 14, 22, tzinfo=UTC),
        datetime(2024, 12, 31, 23, 59, tzinfo=UTC),
    ]
    assert column(raw, "eu") == column(raw, "us")
    assert column(raw, "dots")[0] == datetime(2024, 3, 5, tzinfo=UTC)
    assert column(raw, "aware") == [
        datetime(2024, 3, 5, 12, 22, 10, tzinfo=UTC),
        datetime(2024, 12, 31, 23, 59, 59, tzinfo=UTC),
    ]


def test_naive_times_are_local_across_dst(csv_raw: Load) -> None:
    raw = csv_raw("t\n2024-03-30 12:00\n2024-03-31 12:00\n")
    rome = ZoneInfo("Europe/Rome")
    assert column(raw, "t", tz="Europe/Rome") == [
        datetime(2024, 3, 30, 12, tzinfo=rome).astimezone(UTC),
        datetime(2024, 3, 31, 12, tzinfo=rome).astimezone(UTC),
    ]
    assert column(raw, "t", tz="Europe/Rome")[0] == datetime(2024, 3, 30, 11, tzinfo=UTC)


def test_two_digit_years_are_not_year_24(csv_raw: Load) -> None:
    raw = csv_raw("d\n3/7/24\n11/30/24\n")
    assert column(raw, "d") == [
        datetime(2024, 3, 7, tzinfo=UTC),
        datetime(2024, 11, 30, tzinfo=UTC),
    ]


def test_one_column_decides_the_order_of_another(csv_raw: Load) -> None:
    raw = csv_raw("opened,closed\n29/2/2016 01:16,6/3/2016 12:00\n")
    parsed, warnings = parse_date_columns(raw, {"o": "opened", "c": "closed"})
    assert parsed["c"] == [datetime(2016, 3, 6, 12, tzinfo=UTC)]
    assert warnings == []
    alone = parse_date_column(raw, "closed")
    assert alone.warning is not None and "month/day" in alone.warning


def test_mixed_order_in_one_column_is_an_error(csv_raw: Load) -> None:
    raw = csv_raw("d\n13/1/2024\n1/13/2024\n")
    with pytest.raises(InputError) as caught:
        parse_date_column(raw, "d")
    assert caught.value.location.column == "d"


def test_odd_formats_fall_back_to_dateutil(csv_raw: Load) -> None:
    raw = csv_raw('d\n"March 5, 2024"\n2024-03-06\n')
    assert column(raw, "d") == [datetime(2024, 3, 5, tzinfo=UTC), datetime(2024, 3, 6, tzinfo=UTC)]


def test_garbage_names_the_row(csv_raw: Load) -> None:
    raw = csv_raw("d\n2024-01-01\n?\nsoon\n")
    with pytest.raises(InputError) as caught:
        parse_date_column(raw, "d")
    assert caught.value.location.row == 4
    assert column(csv_raw("d\n?\nNULL\n"), "d") == [None, None]


def test_unknown_time_zone() -> None:
    with pytest.raises(InputError):
        check_time_zone("Europe/Atlantis")
