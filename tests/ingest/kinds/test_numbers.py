"""Numbers in any locale, counts and durations."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from cxlens.core.errors import InputError
from cxlens.ingest.kinds.numbers import parse_counts, parse_durations, parse_numbers
from cxlens.ingest.raw import RawTable

Load = Callable[..., RawTable]


def test_decimal_separator_is_decided_per_column(csv_raw: Load) -> None:
    raw = csv_raw(
        'eu;us;plain;money\n"1.234,5";"1,234.5";1,234;€ 12,50\n"2,25";"2.25";7;"EUR 3"\n',
    )
    assert parse_numbers(raw, "eu") == [1234.5, 2.25]
    assert parse_numbers(raw, "us") == [1234.5, 2.25]
    assert parse_numbers(raw, "plain") == [1234.0, 7.0]  # undecided: "," groups thousands
    assert parse_numbers(raw, "money") == [12.5, 3.0]


def test_a_dot_decimal_in_a_comma_column_is_an_error(csv_raw: Load) -> None:
    raw = csv_raw('x\n"1,5"\n2.5\n')
    with pytest.raises(InputError) as caught:
        parse_numbers(raw, "x")
    assert caught.value.location.row == 3


def test_counts(csv_raw: Load) -> None:
    raw = csv_raw('n\n3\n?\n"4,0"\n')
    assert parse_counts(raw, "n") == [3, None, 4]
    with pytest.raises(InputError):
        parse_counts(csv_raw("n\n-1\n"), "n")


def test_durations(csv_raw: Load) -> None:
    assert parse_durations(csv_raw("h\n1:30\n0:05:30\n"), "h", 60) == [90.0, 5.5]
    assert parse_durations(csv_raw("h\n1.5\n-\n"), "h", 60) == [90.0, None]
    with pytest.raises(InputError):
        parse_durations(csv_raw("h\n1:30\nlater\n"), "h", 60)
