"""Referral lists."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta, timezone

import pytest

from cxlens.core.errors import InputError
from cxlens.core.tables import REFERRALS
from cxlens.ingest.kinds.referrals import read_referrals
from cxlens.ingest.raw import RawTable

Load = Callable[..., RawTable]


def test_referrals_with_offsets_duplicates_and_missing_date(fixture_raw: Load) -> None:
    result = read_referrals(fixture_raw("referrals.csv"))
    assert result.table.schema.equals(REFERRALS)
    rows = result.table.to_pylist()
    assert len(rows) == 3  # the repeated pair is dropped
    assert rows[0]["referred_at"] == datetime(2022, 3, 30, 18, tzinfo=UTC)
    plus_one = timezone(timedelta(hours=1))
    assert rows[1]["referred_at"] == datetime(2022, 11, 30, 22, 30, tzinfo=plus_one)
    assert rows[2] == {
        "referrer_ref": "marco@example.it",
        "referred_ref": "lea@example.de",
        "referred_at": None,
    }
    assert result.warnings


def test_self_referral_and_empty_referrer(csv_raw: Load) -> None:
    with pytest.raises(InputError) as caught:
        read_referrals(csv_raw("referred_by,referee\na,b\nc,c\n"))
    assert caught.value.location.row == 3
    with pytest.raises(InputError) as caught:
        read_referrals(csv_raw("referred_by,referee\n?,b\n"))
    assert caught.value.location.column == "referred_by"


def test_missing_referred_column(csv_raw: Load) -> None:
    with pytest.raises(InputError) as caught:
        read_referrals(csv_raw("referrer,when\na,2024-01-01\n"))
    assert "referrer, when" in str(caught.value)
