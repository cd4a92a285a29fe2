"""Support-case exports: Zendesk, ServiceNow, Freshdesk and generic tables."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from cxlens.core.errors import InputError
from cxlens.core.tables import CASES
from cxlens.ingest.kinds.cases import read_cases
from cxlens.ingest.raw import RawTable

Load = Callable[..., RawTable]
ROME = ZoneInfo("Europe/Rome")


def rome(y: int, mo: int, d: int, h: int, mi: int) -> datetime:
    return datetime(y, mo, d, h, mi, tzinfo=ROME).astimezone(UTC)


def utc(y: int, mo: int, d: int, h: int = 0, mi: int = 0, s: int = 0) -> datetime:
    return datetime(y, mo, d, h, mi, s, tzinfo=UTC)


def by_case(table: Any) -> dict[str, dict[str, Any]]:
    return {row["case_ref"]: row for row in table.to_pylist()}


def test_zendesk_history_collapses_to_last_state_in_local_time(fixture_raw: Load) -> None:
    result = read_cases(fixture_raw("zendesk_history.csv"), tz="Europe/Rome")
    assert result.system == "zendesk"
    assert result.table.schema.equals(CASES)
    assert result.table.num_rows == 4
    assert result.mapping["Solved at"] == "resolved_at"
    assert result.warnings == ()  # 3/31/2024 decides M/D for every date column
    cases = by_case(result.table)

    first = cases["101"]  # the later update is the file's first row
    opened = rome(2024, 3, 1, 9, 5)
    assert first["status"] == "solved"
    assert first["opened_at"] == opened
    assert first["resolved_at"] == rome(2024, 3, 2, 14, 10)
    assert first["first_response_at"] == opened + timedelta(minutes=12.5)  # "12,5"
    assert first["contact_count"] == 2
    assert first["reopened"] is False
    assert first["channel"] == "email"
    assert first["customer_ref"] == "anna@example.com"

    late = cases["102"]  # 11:40 PM
    assert late["opened_at"] == rome(2024, 3, 3, 23, 40)
    assert late["channel"] == "phone"
    assert late["contact_count"] == 1

    reopened = cases["103"]  # open -> solved -> open again
    assert reopened["status"] == "open"
    assert reopened["resolved_at"] is None
    assert reopened["reopened"] is True
    assert reopened["contact_count"] == 3

    new = cases["104"]  # "?" and "-" are null; 01:30 on the night clocks go forward
    assert new["customer_ref"] is None
    assert new["first_response_at"] is None
    assert new["resolved_at"] is None
    assert new["channel"] == "web"
    assert new["opened_at"] == rome(2024, 3, 31, 1, 30)


def test_servicenow_event_log_orders_by_update_then_mod_count(fixture_raw: Load) -> None:
    result = read_cases(fixture_raw("servicenow_incident_log.csv"))
    assert result.system == "servicenow"
    assert result.warnings == ()  # 29/2/2016 in one column decides D/M for all of them
    assert result.source_rows == 10
    cases = by_case(result.table)
    assert list(cases) == ["INC0000045", "INC0000047", "INC0000050"]

    closed = cases["INC0000045"]  # dates are D/M/YYYY (29/2 decides)
    assert closed["status"] == "closed"
    assert closed["opened_at"] == utc(2016, 2, 29, 1, 16)
    assert closed["resolved_at"] == utc(2016, 3, 1, 11, 29)
    assert closed["contact_count"] == 1 + 1  # one reassignment
    assert closed["reopened"] is False
    assert closed["channel"] == "phone"
    assert closed["customer_ref"] == "Caller 2403"

    again = cases["INC0000047"]
    assert again["status"] == "resolved"
    assert again["resolved_at"] == utc(2016, 3, 14, 10, 5)
    assert again["reopened"] is True
    assert again["contact_count"] == 2 + 1

    tie = cases["INC0000050"]  # same sys_updated_on: the higher sys_mod_count wins
    assert tie["status"] == "awaiting user info"
    assert tie["customer_ref"] is None
    assert tie["channel"] == "web"
    assert tie["resolved_at"] is None


def test_freshdesk_response_time_from_timestamp_or_hours(fixture_raw: Load) -> None:
    result = read_cases(fixture_raw("freshdesk_tickets.csv"))
    assert result.system == "freshdesk"
    cases = by_case(result.table)
    assert cases["7001"]["first_response_at"] == utc(2024, 5, 6, 9, 45)
    assert cases["7001"]["resolved_at"] == utc(2024, 5, 6, 15, 30)
    assert cases["7001"]["channel"] == "web"
    assert cases["7001"]["customer_ref"] == "eve@example.org"
    opened = utc(2024, 5, 6, 10, 15)
    assert cases["7002"]["first_response_at"] == opened + timedelta(hours=1.5)
    assert cases["7002"]["contact_count"] == 3
    assert cases["7003"]["resolved_at"] is None
    assert cases["7003"]["first_response_at"] is None
    assert cases["7003"]["contact_count"] == 0
    assert cases["7003"]["reopened"] is None  # nothing says


def test_generic_day_first_dashes_and_closed_fallback(csv_raw: Load) -> None:
    raw = csv_raw(
        "case_id;customer;channel;status;created_at;closed_at;contact_count;reopened\n"
        "C-1;u1;E-mail;closed;05-03-2024 08:15;07-03-2024 17:00;1;no\n"
        "C-2;u2;chat;open;06-03-2024 23:59;;2;yes\n"
    )
    result = read_cases(raw, tz="America/New_York")
    assert result.system == "generic"
    cases = by_case(result.table)
    ny = ZoneInfo("America/New_York")
    assert cases["C-1"]["opened_at"] == datetime(2024, 3, 5, 8, 15, tzinfo=ny).astimezone(UTC)
    assert cases["C-1"]["resolved_at"] == datetime(2024, 3, 7, 17, tzinfo=ny).astimezone(UTC)
    assert cases["C-1"]["channel"] == "email"
    assert cases["C-2"]["reopened"] is True
    assert any("day/month" in w for w in result.warnings)  # no day above 12: a guess


def test_resolved_before_opened_names_file_row_and_column(csv_raw: Load) -> None:
    raw = csv_raw(
        "Ticket ID,Created at,Solved at,Status\n"
        "1,2024-01-02 10:00:00,2024-01-02 11:00:00,solved\n"
        "2,2024-01-05 10:00:00,2024-01-04 09:00:00,solved\n"
    )
    with pytest.raises(InputError) as caught:
        read_cases(raw)
    where = caught.value.location
    assert (where.row, where.column) == (3, "Solved at")
    assert where.file is not None and where.file.endswith("export.csv")


def test_unreadable_date_names_row_and_value(csv_raw: Load) -> None:
    raw = csv_raw("case_id,opened_at\nA,2024-01-02\nB,2024-01-03\nC,the day after\n")
    with pytest.raises(InputError) as caught:
        read_cases(raw)
    assert caught.value.location.row == 4
    assert caught.value.location.column == "opened_at"
    assert "the day after" in str(caught.value)


def test_unreadable_count(csv_raw: Load) -> None:
    raw = csv_raw("case_id,opened_at,contact_count\nA,2024-01-02,2\nB,2024-01-03,2.5\n")
    with pytest.raises(InputError) as caught:
        read_cases(raw)
    assert (caught.value.location.row, caught.value.location.column) == (3, "contact_count")


def test_missing_case_id_lists_columns_found_and_accepted(csv_raw: Load) -> None:
    raw = csv_raw("when,what\n2024-01-02,thing\n")
    with pytest.raises(InputError) as caught:
        read_cases(raw)
    message = str(caught.value)
    assert "when, what" in message
    assert "'case_id'" in message


def test_empty_case_id_is_an_error(csv_raw: Load) -> None:
    raw = csv_raw("case_id,opened_at\nA,2024-01-02\n?,2024-01-03\n")
    with pytest.raises(InputError) as caught:
        read_cases(raw)
    assert caught.value.location.row == 3


def test_forced_system_and_unknown_system(fixture_raw: Load) -> None:
    raw = fixture_raw("freshdesk_tickets.csv")
    assert read_cases(raw, system="generic").system == "generic"
    with pytest.raises(InputError):
        read_cases(raw, system="jira")
