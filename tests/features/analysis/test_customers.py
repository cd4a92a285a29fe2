"""``analyze_file`` on a churn export (Telco-shaped): churn with its Wilson interval, by any
column, computed here independently from the rows written."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from churn_files import CONTRACTS, write_telco
from cxlens.core.errors import InputError
from cxlens.features.analysis import analyze_file


def _wilson(hits: int, n: int) -> tuple[float, float, float]:
    z = 1.959963984540054
    p = hits / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return 100 * p, 100 * (centre - half), 100 * (centre + half)


def _check(metric: dict[str, object], hits: int, n: int) -> None:
    value, low, high = _wilson(hits, n)
    assert metric["n"] == n
    assert metric["value"] == pytest.approx(value, abs=1e-3)
    assert metric["ci_low"] == pytest.approx(low, abs=1e-3)
    assert metric["ci_high"] == pytest.approx(high, abs=1e-3)


def test_telco_churn_rate_with_its_interval_and_by_contract(tmp_path: Path) -> None:
    rows = write_telco(tmp_path / "telco.csv")
    report = analyze_file(tmp_path / "telco.csv", by=("Contract",)).to_json()
    assert report["kind"] == "customers"
    assert report["warnings"] == []
    churn = [m for m in report["metrics"] if m["metric"] == "churn"]
    overall = next(m for m in churn if m["group"] == {})
    _check(overall, sum(r["Churn"] == "Yes" for r in rows), len(rows))
    assert overall["low_confidence"] is False
    for contract in CONTRACTS:
        mine = [r for r in rows if r["Contract"] == contract]
        metric = next(m for m in churn if m["group"] == {"Contract": contract})
        _check(metric, sum(r["Churn"] == "Yes" for r in mine), len(mine))
        assert metric["low_confidence"] is False
    retention = next(m for m in report["metrics"] if m["metric"] == "retention" and not m["group"])
    _check(retention, sum(r["Churn"] == "No" for r in rows), len(rows))


def test_churn_by_any_column_whatever_its_case(tmp_path: Path) -> None:
    rows = write_telco(tmp_path / "telco.csv", n=200)
    report = analyze_file(tmp_path / "telco.csv", by=("paymentmethod",)).to_json()
    groups = {m["group"]["paymentmethod"] for m in report["metrics"] if m["group"]}
    assert groups == {r["PaymentMethod"] for r in rows}


def test_unknown_by_column_lists_the_valid_ones(tmp_path: Path) -> None:
    write_telco(tmp_path / "telco.csv", n=50)
    with pytest.raises(InputError) as caught:
        analyze_file(tmp_path / "telco.csv", by=("regoin",))
    assert "'Contract'" in str(caught.value)


def test_status_and_churn_dates(tmp_path: Path) -> None:
    path = tmp_path / "crm.csv"
    path.write_text("Customer Id,Status,Signup Date\nA,active,2023-01-01\nB,cancelled,2023-02-01\n")
    report = analyze_file(path).to_json()
    churn = next(m for m in report["metrics"] if m["metric"] == "churn")
    _check(churn, 1, 2)
    assert churn["low_confidence"] is True
    dated = tmp_path / "dated.csv"
    dated.write_text("customer_id,signup_date,churn_date\nA,2023-01-01,\nB,2023-02-01,2024-01-01\n")
    report = analyze_file(dated).to_json()
    _check(next(m for m in report["metrics"] if m["metric"] == "churn"), 1, 2)
    assert any("churn date" in w for w in report["warnings"])


def test_a_customer_list_without_churn_data_is_no_data(tmp_path: Path) -> None:
    path = tmp_path / "list.csv"
    path.write_text("customer_id,plan,region,gender,industry\nA,Pro,EU,F,Food\n")
    report = analyze_file(path).to_json()
    assert report["metrics"] == []
    assert any("no data" in w for w in report["warnings"])


#: IBM's Telco churn sample (WA_Fn-UseC_-Telco-Customer-Churn.csv), when the evaluation data
#: holds it: read by these tests only, never shipped.
TELCO = sorted(Path("/work/shared/data").glob("**/*elco*hurn*.csv"))


@pytest.mark.skipif(not TELCO, reason="the Telco churn export is not in the evaluation data")
def test_real_telco_export_churn_rate_and_by_contract() -> None:
    import csv

    with TELCO[0].open(encoding="utf-8-sig", newline="") as f:
        rows = list(csv.DictReader(f))
    report = analyze_file(TELCO[0], by=("Contract",)).to_json()
    assert report["kind"] == "customers"
    churn = [m for m in report["metrics"] if m["metric"] == "churn"]
    overall = next(m for m in churn if m["group"] == {})
    _check(overall, sum(r["Churn"] == "Yes" for r in rows), len(rows))
    for contract in {r["Contract"] for r in rows}:
        mine = [r for r in rows if r["Contract"] == contract]
        metric = next(m for m in churn if m["group"] == {"Contract": contract})
        _check(metric, sum(r["Churn"] == "Yes" for r in mine), len(mine))
