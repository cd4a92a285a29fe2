"""Date formats inferred per column and parsed to UTC, Google Forms offsets included."""

from __future__ import annotations

import datetime as dt

import pyarrow as pa
import pytest

from cxlens.core.errors import InputError
from cxlens.ingest.dates import SAMPLE, check_dates, infer_format, parse_dates

UTC = dt.UTC


def _parse(values: list[str | None], fmt: str | None = None, tz: str = "UTC") -> list[object]:
    array = pa.array(values, pa.string())
    out = parse_dates(
        array, fmt, tz=tz, source="f.csv", column="Timestamp", file_row=lambda i: i + 2
    )
    return out.values.to_pylist()


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2024/03/01 1:04:11 PM GMT+1", dt.datetime(2024, 3, 1, 12, 4, 11, tzinfo=UTC)),
        ("2024/03/01 1:04:11 PM GMT-5", dt.datetime(2024, 3, 1, 18, 4, 11, tzinfo=UTC)),
        ("2024/03/01 1:04:11 PM GMT", dt.datetime(2024, 3, 1, 13, 4, 11, tzinfo=UTC)),
        ("2024/03/01 1:04:11 PM GMT+5:30", dt.datetime(2024, 3, 1, 7, 34, 11, tzinfo=UTC)),
        ("2024/03/01 11:04:11 AM GMT+10", dt.datetime(2024, 3, 1, 1, 4, 11, tzinfo=UTC)),
    ],
)
def test_google_forms_offsets_are_part_of_the_value(value: str, expected: dt.datetime) -> None:
    # The offset wins over the tz for naive values: the same instant whatever tz says.
    assert _parse([value, None, ""], tz="America/New_York") == [expected, None, None]


def test_google_forms_offsets_change_within_a_column_at_dst() -> None:
    values = ["2024/03/30 11:00:00 PM GMT+1", "2024/03/31 9:30:00 AM GMT+2"]
    assert _parse(values) == [
        dt.datetime(2024, 3, 30, 22, 0, tzinfo=UTC),
        dt.datetime(2024, 3, 31, 7, 30, tzinfo=UTC),
    ]


def test_older_google_forms_format_is_local_time() -> None:
    values = ["3/1/2024 13:04:11", "3/14/2024 9:00:00"]
    assert infer_format(pa.array(values)) == "%m/%d/%Y %H:%M:%S"
    assert _parse(values, tz="Europe/Rome")[0] == dt.datetime(2024, 3, 1, 12, 4, 11, tzinfo=UTC)


def test_day_over_twelve_beyond_the_sample_still_decides_day_first() -> None:
    # Thousands of ambiguous dates first, the deciding "13/01" only at the end.
    ambiguous = [f"{d:02d}/{m:02d}/2023 10:{i % 60:02d}:00" for i in range(3 * SAMPLE)
                 for d, m in [(1 + i % 12, 1 + (i // 12) % 12)]]  # fmt: skip
    values = [*ambiguous, "13/01/2024 10:00:00"]
    check = check_dates(pa.array(values))
    assert check.ok and check.format == "%d/%m/%Y %H:%M:%S"


def test_check_dates_reports_values_that_are_not_dates() -> None:
    check = check_dates(pa.array(["2024-03-01", "last week", "2024-03-02", "n/a", None, ""]))
    assert check.format == "%Y-%m-%d" and not check.ok
    assert check.present == 4 and check.bad == 2
    assert check.examples == ("last week", "n/a")
    none = check_dates(pa.array(["soon", "later"]))
    assert none.format is None and not none.ok and set(none.examples) == {"soon", "later"}


def test_a_value_outside_the_format_names_row_and_value() -> None:
    with pytest.raises(InputError) as err:
        _parse(["2024-03-01 10:00:00", "2024-03-02 10:00:00", "yesterday"])
    assert err.value.location.row == 4 and err.value.location.column == "Timestamp"
    assert "'yesterday'" in str(err.value) and "f.csv" in str(err.value)


def test_no_format_at_all_is_an_error() -> None:
    with pytest.raises(InputError, match="no date format fits"):
        _parse(["soon", "later"])


def test_fractions_of_a_second_and_impossible_days() -> None:
    values = ["2024-01-31 10:29:30.5", "2024-03-01T09:04:11.250+01:00"]
    assert _parse(values[:1]) == [dt.datetime(2024, 1, 31, 10, 29, 30, 500000, tzinfo=UTC)]
    assert _parse(values[1:]) == [dt.datetime(2024, 3, 1, 8, 4, 11, 250000, tzinfo=UTC)]
    # 30 February is not 1 March, and 31 April is not 1 May
    check = check_dates(pa.array(["2024-02-28", "2024-02-30", "2024-04-31", "2024-03-01"]))
    assert check.format == "%Y-%m-%d" and check.bad == 2
    assert check.examples == ("2024-02-30", "2024-04-31")
