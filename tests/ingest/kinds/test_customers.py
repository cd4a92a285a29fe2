"""Customer lists with lifecycle dates and profile attributes."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from cxlens.core.errors import InputError
from cxlens.core.tables import CUSTOMERS
from cxlens.ingest.kinds.customers import read_customers
from cxlens.ingest.raw import RawTable

Load = Callable[..., RawTable]


def test_crm_export_with_locale_mess(fixture_raw: Load) -> None:
    result = read_customers(fixture_raw("customers_crm.csv"), tz="Europe/Amsterdam")
    assert result.table.schema.equals(CUSTOMERS)
    rows = {r["customer_ref"]: r for r in result.table.to_pylist()}
    assert set(rows) == {"C-0001", "C-0002", "C-0003"}
    ams = ZoneInfo("Europe/Amsterdam")

    an = rows["C-0001"]
    assert an["value"] == pytest.approx(1234.50)  # "1.234,50"
    assert an["name"] == "An Jansen"  # first + last name
    assert an["age_band"] == "25-34"  # age 34
    assert an["acquired_at"] == datetime(2022, 1, 14, tzinfo=ams).astimezone(UTC)
    assert an["churned_at"] is None
    assert an["region"] == "NL"
    assert an["account_ref"] == "Bakkerij Jansen"

    marco = rows["C-0002"]  # listed twice: the last row wins
    assert marco["value"] == pytest.approx(99.90)
    assert marco["account_ref"] is None  # "?"
    assert marco["age_band"] == "65+"
    assert marco["churned_at"] == datetime(2023, 6, 15, tzinfo=ams).astimezone(UTC)
    assert any("repeat" in w for w in result.warnings)

    vlad = rows["C-0003"]
    assert vlad["phone"] is None  # "N/A"
    assert vlad["churned_at"] is None  # "-"
    assert vlad["name"] == "Vlad"
    assert vlad["age_band"] == "18-24"

    assert result.mapping["Signup date"] == "acquired_at"
    assert result.mapping["Cancelled at"] == "churned_at"
    extra = {r["customer_ref"]: r for r in result.extra.to_pylist()}
    assert extra["C-0001"]["Loyalty tier"] == "Gold"


def test_email_is_the_id_when_there_is_no_id(csv_raw: Load) -> None:
    raw = csv_raw("email,created_at,churn_date\na@x.io,2023-01-01,\nb@x.io,2023-02-01,2024-02-01\n")
    table = read_customers(raw).table
    assert table.column("customer_ref").to_pylist() == ["a@x.io", "b@x.io"]
    assert table.column("churned_at").to_pylist()[1] == datetime(2024, 2, 1, tzinfo=UTC)


def test_churn_before_acquisition_is_an_error(csv_raw: Load) -> None:
    raw = csv_raw("customer_id,signup_date,cancelled_at\nA,2023-05-01,2023-04-01\n")
    with pytest.raises(InputError) as caught:
        read_customers(raw)
    assert (caught.value.location.row, caught.value.location.column) == (2, "cancelled_at")


def test_bad_value_and_time_zone_are_errors(csv_raw: Load) -> None:
    with pytest.raises(InputError) as caught:
        read_customers(csv_raw("customer_id,value\nA,12\nB,lots\n"))
    assert (caught.value.location.row, caught.value.location.column) == (3, "value")
    with pytest.raises(InputError) as caught:
        read_customers(csv_raw("customer_id,timezone\nA,Mars/Olympus\n"))
    assert caught.value.location.column == "timezone"


def test_no_id_column_lists_what_is_accepted(csv_raw: Load) -> None:
    with pytest.raises(InputError) as caught:
        read_customers(csv_raw("plan,region\nPro,EU\n"))
    assert "plan, region" in str(caught.value)
    assert "'customer_id'" in str(caught.value)
