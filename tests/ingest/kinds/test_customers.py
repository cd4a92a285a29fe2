"""Customer lists with lifecycle dates and profile attributes."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from churn_files import write_telco
from cxlens.core.errors import InputError
from cxlens.core.tables import CUSTOMERS
from cxlens.ingest.kinds import detect_kind
from cxlens.ingest.kinds.customers import read_customers
from cxlens.ingest.raw import RawTable, read_raw

Load = Callable[..., RawTable]


def test_crm_export_with_locale_mess(fixture_raw: Load) -> None:
    result = read_customers(fixture_raw("customers_crm.csv"), tz="Europe/Amsterdam")
    assert result.table.schema.names[: len(CUSTOMERS)] == CUSTOMERS.names
    assert result.table.select(CUSTOMERS.names).schema.equals(CUSTOMERS)
    assert "Loyalty tier" in result.table.column_names  # custom attributes travel too
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
    assert an["phone"] == "+31205550101"  # "+31 20 555 0101", in E.164
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


def test_telco_churn_export_is_read(tmp_path: Path) -> None:
    rows = write_telco(tmp_path / "telco.csv")
    raw = read_raw(tmp_path / "telco.csv")
    assert detect_kind(raw) == "customers"
    result = read_customers(raw)
    table = result.table
    assert result.mapping["customerID"] == "customer_ref"
    assert result.mapping["Churn"] == "churned"
    assert result.mapping["tenure"] == "tenure_months"
    assert result.mapping["Contract"] == "contract"
    assert result.mapping["TotalCharges"] == "value"
    assert table.column("customer_ref").to_pylist() == [r["customerID"] for r in rows]
    assert table.column("churned").to_pylist() == [r["Churn"] == "Yes" for r in rows]
    assert table.column("tenure_months").to_pylist() == [float(r["tenure"]) for r in rows]
    assert table.column("contract").to_pylist() == [r["Contract"] for r in rows]
    blanks = [i for i, r in enumerate(rows) if not r["TotalCharges"].strip()]
    assert blanks and all(table.column("value")[i].as_py() is None for i in blanks)
    assert table.column("gender").to_pylist() == [r["gender"] for r in rows]
    assert table.column("PaymentMethod").to_pylist() == [r["PaymentMethod"] for r in rows]
    assert table.column("churned_at").null_count == len(rows)  # a flag is not a date


@pytest.mark.parametrize(
    "header", ["customerID", "CustomerId", "CUSTOMER_ID", "customer id", "Customer-ID"]
)
def test_headers_match_whatever_the_case_spaces_and_underscores(csv_raw: Load, header: str) -> None:
    table = read_customers(csv_raw(f"{header},SignupDate\nA,2023-01-01\n")).table
    assert table.column("customer_ref").to_pylist() == ["A"]
    assert table.column("acquired_at").to_pylist() == [datetime(2023, 1, 1, tzinfo=UTC)]


def test_status_column_is_a_churn_flag_and_churned_dates_stay_dates(csv_raw: Load) -> None:
    raw = csv_raw("id,status,churned\nA,active,\nB,Cancelled,2024-02-01\nC,churned,2024-03-01\n")
    table = read_customers(raw).table
    assert table.column("churned").to_pylist() == [False, True, True]
    assert table.column("churned_at").to_pylist()[1] == datetime(2024, 2, 1, tzinfo=UTC)


def test_status_with_other_states_stays_an_attribute(csv_raw: Load) -> None:
    table = read_customers(csv_raw("id,status\nA,trial\nB,active\n")).table
    assert "churned" not in table.column_names
    assert table.column("status").to_pylist() == ["trial", "active"]


def test_unknown_churn_flag_value_is_an_error(csv_raw: Load) -> None:
    with pytest.raises(InputError) as caught:
        read_customers(csv_raw("customerID,Churn\nA,Yes\nB,maybe\n"))
    assert (caught.value.location.row, caught.value.location.column) == (3, "Churn")


def test_phones_are_stored_in_e164(csv_raw: Load) -> None:
    raw = csv_raw("id,phone,country\nA,+31 628639799,\nB,06 28639799,NL\nC,347 123 4567,\nD,,\n")
    table = read_customers(raw, phone_region="IT").table
    assert table.column("phone").to_pylist() == [
        "+31628639799",  # valid as written, only the space goes
        "+31628639799",  # national, read in the customer's country
        "+393471234567",  # national, read in the default region
        None,
    ]


def test_invalid_phones_are_reported_with_row_and_column(csv_raw: Load) -> None:
    raw = csv_raw("id,Mobile\nA,+31 628639799\nB,12345\nC,not a number\nD,06 28639799\n")
    with pytest.raises(InputError) as caught:
        read_customers(raw)
    error = caught.value
    assert (error.location.row, error.location.column) == (3, "Mobile")
    assert "'12345'" in str(error) and "row(s) 4, 5" in str(error)
