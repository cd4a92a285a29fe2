"""Option parsers: what people type, and errors that name the option."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from pathlib import Path

import pytest

from cxlens.cli.parsing import (
    parse_duration,
    parse_moment,
    parse_pairs,
    parse_quiet,
    refs_from_file,
)
from cxlens.core.errors import InputError, Location


def test_parsers_read_what_people_type() -> None:
    assert parse_duration("2h", "delay") == timedelta(hours=2)
    assert parse_duration("1h30m", "delay") == timedelta(minutes=90)
    assert parse_duration("1w 2d", "delay") == timedelta(days=9)
    assert parse_duration("45", "delay") == timedelta(seconds=45)
    for bad in ("", "2x", "h", "2h-"):
        with pytest.raises(InputError, match="duration"):
            parse_duration(bad, "delay")
    assert parse_quiet("21:00-08:00") == (time(21), time(8))
    assert parse_quiet("off") is None
    with pytest.raises(InputError, match="quiet hours"):
        parse_quiet("21-8")
    assert parse_pairs(["region=Italy", "plan=pro,team", "region=Spain"], "filter") == {
        "region": ["Italy", "Spain"],
        "plan": ["pro", "team"],
    }
    with pytest.raises(InputError, match="key=value"):
        parse_pairs(["region"], "filter")
    assert parse_moment("2030-01-01T10:00:00Z", "at") == datetime(2030, 1, 1, 10, tzinfo=UTC)
    with pytest.raises(InputError, match="time zone"):
        parse_moment("2030-01-01T10:00:00", "at")


def test_customer_file_refs_carry_their_row(tmp_path: Path) -> None:
    path = tmp_path / "people.csv"
    path.write_text("name,Customer_Ref\nAnn,c1\n\nBob, c2 \nNone,\n", encoding="utf-8")
    assert refs_from_file(path) == [
        ("c1", Location(file=str(path), row=2)),
        ("c2", Location(file=str(path), row=4)),
    ]
    (tmp_path / "bad.csv").write_text("name\nAnn\n", encoding="utf-8")
    with pytest.raises(InputError, match="no customer column"):
        refs_from_file(tmp_path / "bad.csv")
