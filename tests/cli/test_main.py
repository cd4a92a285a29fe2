"""The CLI end to end: real files, a real SQLite file and a real PostgreSQL database."""

from __future__ import annotations

import csv
import json
import os
import re
from pathlib import Path

import pytest
from sqlalchemy import func, select
from typer.testing import CliRunner

from churn_files import write_telco
from cxlens.cli.main import app
from cxlens.db import engine_for_url
from cxlens.models import Customer, Response, SupportCase

DATA = Path(__file__).resolve().parents[1] / "data"
CARPENTRIES = (
    Path(__file__).resolve().parents[3] / "shared" / "data" / "carpentries_longterm_2017.csv"
)

runner = CliRunner()


def _run(*args: str, env: dict[str, str] | None = None) -> tuple[int, str]:
    result = runner.invoke(app, list(args), env=env or {}, catch_exceptions=False)
    return result.exit_code, result.output


def _independent_nps(path: Path, column: str) -> tuple[int, float]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        values = [int(row[column]) for row in csv.DictReader(handle) if row[column].strip()]
    promoters = sum(v >= 9 for v in values)
    detractors = sum(v <= 6 for v in values)
    return len(values), 100 * (promoters - detractors) / len(values)


def test_analyze_json_follows_the_documented_schema() -> None:
    code, out = _run("analyze", str(DATA / "surveys" / "qualtrics.csv"), "--json")
    assert code == 0, out
    data = json.loads(out)
    assert set(data) == {"source", "kind", "format", "rows", "mapping", "metrics", "warnings"}
    assert data["kind"] == "responses"
    assert data["format"] == "qualtrics"
    assert isinstance(data["rows"], int) and data["rows"] > 0
    nps = next(m for m in data["metrics"] if m["metric"] == "nps")
    for key, kind in {
        "group": dict,
        "n": int,
        "value": float,
        "ci_low": float,
        "ci_high": float,
        "low_confidence": bool,
    }.items():
        assert isinstance(nps[key], kind), key
    assert nps["period"] is None
    assert nps["ci_low"] <= nps["value"] <= nps["ci_high"]
    assert isinstance(data["warnings"], list)


@pytest.mark.skipif(not CARPENTRIES.exists(), reason="shared evaluation data not present")
def test_analyze_real_export_gives_the_independent_nps() -> None:
    n, expected = _independent_nps(CARPENTRIES, "Likely-To-Recommend")
    code, out = _run("analyze", str(CARPENTRIES), "--json")
    assert code == 0, out
    nps = next(m for m in json.loads(out)["metrics"] if m["metric"] == "nps")
    assert nps["n"] == n == 402
    assert nps["value"] == pytest.approx(expected, abs=1e-3)
    assert nps["low_confidence"] is False


def test_analyze_prints_format_mapping_and_metrics() -> None:
    code, out = _run("analyze", str(DATA / "surveys" / "google_forms.csv"))
    assert code == 0, out
    assert "google_forms" in out
    assert "Mapping used" in out
    assert "nps" in out


@pytest.mark.parametrize("name", ["garbage.csv", "ragged.csv", "bad_score.csv"])
def test_analyze_hostile_file_gives_a_clear_error(name: str) -> None:
    code, out = _run("analyze", str(DATA / "surveys" / name))
    assert code == 2
    assert "error:" in out and name in out
    assert "Traceback" not in out


def test_analyze_missing_file() -> None:
    code, out = _run("analyze", "/nonexistent/export.csv")
    assert code != 0
    assert "export.csv" in out


def _count(url: str, model: type) -> int:
    engine = engine_for_url(url)
    try:
        with engine.connect() as connection:
            return int(connection.execute(select(func.count()).select_from(model)).scalar_one())
    finally:
        engine.dispose()


def test_import_twice_adds_nothing_and_metrics_read_the_store(database_url: str) -> None:
    env = {"CXLENS_DATABASE_URL": database_url}
    source = DATA / "surveys" / "qualtrics.csv"
    code, out = _run("import", str(source), "--json", env=env)
    assert code == 0, out
    first = json.loads(out)
    assert first["added"] == first["rows"] > 0
    code, out = _run("import", str(source), "--json", env=env)
    assert code == 0, out
    second = json.loads(out)
    assert second["added"] == 0 and second["skipped"] == first["rows"]
    assert _count(database_url, Response) == first["rows"]

    _, analyzed = _run("analyze", str(source), "--json")
    expected = next(m for m in json.loads(analyzed)["metrics"] if m["metric"] == "nps")
    code, out = _run("metrics", "--json", env=env)
    assert code == 0, out
    stored = next(m for m in json.loads(out)["metrics"] if m["metric"] == "nps" and not m["group"])
    assert stored["n"] == expected["n"]
    assert stored["value"] == pytest.approx(expected["value"])


def _words(text: str) -> str:
    return " ".join(text.split())


def test_metrics_without_data_are_notes_never_values(database_url: str) -> None:
    env = {"CXLENS_DATABASE_URL": database_url}
    code, out = _run("import", str(DATA / "surveys" / "qualtrics.csv"), env=env)
    assert code == 0, out
    code, out = _run("metrics", "--json", env=env)
    assert code == 0, out
    data = json.loads(out)
    assert {m["metric"] for m in data["metrics"]} == {"nps", "csat"}
    no_data = {n["metric"]: n["reason"] for n in data["no_data"]}
    assert no_data["referral_rate"] == "no customers"
    assert no_data["response_rate"] == "no delivered invitations"
    code, out = _run("metrics", env=env)
    assert code == 0, out
    assert "Referral rate (%): no data (no customers)" in _words(out)
    assert re.search(r"(?<![\d.])0\.0(?!\d)", out) is None  # no invented 0.0 (70.0 is fine)


@pytest.mark.parametrize("by", ["regoin", "theme"])
def test_metrics_by_an_unknown_dimension_lists_the_valid_ones(database_url: str, by: str) -> None:
    env = {"CXLENS_DATABASE_URL": database_url}
    code, out = _run("import", str(DATA / "surveys" / "qualtrics.csv"), env=env)
    assert code == 0, out
    result = runner.invoke(app, ["metrics", "--by", by], env=env)
    assert result.exit_code != 0
    text = _words(result.output)
    assert f"unknown dimension {by!r}; valid dimensions are:" in text
    assert "region," in text and "touchpoint" in text


@pytest.mark.parametrize("name", ["bad_score.csv", "ragged.csv", "garbage.csv"])
def test_import_of_a_bad_file_changes_nothing(database_url: str, name: str) -> None:
    env = {"CXLENS_DATABASE_URL": database_url}
    code, _ = _run("import", str(DATA / "surveys" / "qualtrics.csv"), env=env)
    assert code == 0
    before = _count(database_url, Response)
    code, out = _run("import", str(DATA / "surveys" / name), env=env)
    assert code == 2 and name in out
    assert "Traceback" not in out
    assert _count(database_url, Response) == before


def test_a_huge_cell_or_a_wrong_encoding_is_read_not_crashed_on(tmp_path: Path) -> None:
    big = tmp_path / "big_cell.csv"
    big.write_text('id,nps,comment\n1,9,"' + "x" * 10_000_000 + '"\n2,3,ok\n', encoding="utf-8")
    code, out = _run("analyze", str(big), "--json")
    assert code == 0, out[:500]
    nps = next(m for m in json.loads(out)["metrics"] if m["metric"] == "nps")
    assert (nps["n"], nps["value"]) == (2, 0.0)
    latin = tmp_path / "latin1.csv"
    latin.write_bytes(
        "id;Wie wahrscheinlich würden Sie uns weiterempfehlen?;Kommentar\n"
        "1;9;Schön\n2;4;Hässlich\n3;10;Prima\n".encode("cp1252")
    )
    code, out = _run("analyze", str(latin), "--json")
    assert code == 0, out
    data = json.loads(out)
    assert data["mapping"]["text"] == ["Kommentar"]
    nps = next(m for m in data["metrics"] if m["metric"] == "nps")
    assert nps["n"] == 3 and nps["value"] == pytest.approx(100 * (2 - 1) / 3, abs=1e-3)


def test_import_cases_detects_the_kind(database_url: str) -> None:
    env = {"CXLENS_DATABASE_URL": database_url}
    code, out = _run("import", str(DATA / "kinds" / "zendesk_history.csv"), "--json", env=env)
    assert code == 0, out
    data = json.loads(out)
    assert data["kind"] == "cases" and data["format"] == "zendesk"
    assert _count(database_url, SupportCase) == data["added"] > 0
    code, out = _run("metrics", "--json", env=env)
    assert code == 0, out
    assert any(m["metric"] == "fcr" for m in json.loads(out)["metrics"])


def test_analyze_a_churn_export_by_contract(tmp_path: Path) -> None:
    rows = write_telco(tmp_path / "telco.csv")
    code, out = _run("analyze", str(tmp_path / "telco.csv"), "--by", "Contract", "--json")
    assert code == 0, out
    data = json.loads(out)
    assert data["kind"] == "customers" and data["warnings"] == []
    churn = next(m for m in data["metrics"] if m["metric"] == "churn" and not m["group"])
    hits = sum(r["Churn"] == "Yes" for r in rows)
    assert churn["n"] == len(rows)
    assert churn["value"] == pytest.approx(100 * hits / len(rows), abs=1e-3)
    assert churn["ci_low"] < churn["value"] < churn["ci_high"]
    assert {m["group"].get("Contract") for m in data["metrics"]} >= {"Month-to-month", "Two year"}
    code, out = _run("analyze", str(tmp_path / "telco.csv"), "--by", "Contract")
    assert code == 0, out
    assert "Churn rate" in out and "Month-to-month" in out


def test_import_a_churn_export_and_a_surveymonkey_export_under_kind_auto(
    database_url: str, tmp_path: Path
) -> None:
    env = {"CXLENS_DATABASE_URL": database_url}
    rows = write_telco(tmp_path / "telco.csv", n=80)
    code, out = _run("import", str(tmp_path / "telco.csv"), "--json", env=env)
    assert code == 0, out
    data = json.loads(out)
    assert data["kind"] == "customers" and data["added"] == len(rows)
    engine = engine_for_url(database_url)
    try:
        with engine.connect() as connection:
            stored = connection.execute(select(Customer.customer_ref, Customer.attributes))
            attributes = {ref: attrs for ref, attrs in stored}
    finally:
        engine.dispose()
    first = rows[0]
    assert attributes[first["customerID"]]["churned"] is (first["Churn"] == "Yes")
    assert attributes[first["customerID"]]["contract"] == first["Contract"]
    assert attributes[first["customerID"]]["PaymentMethod"] == first["PaymentMethod"]
    monkey = DATA / "surveys" / "realistic" / "surveymonkey_labels.csv"
    code, out = _run("import", str(monkey), "--json", env=env)
    assert code == 0, out
    data = json.loads(out)
    assert (data["kind"], data["format"]) == ("responses", "surveymonkey")
    assert _count(database_url, Response) == data["added"] > 0


def test_import_reports_an_invalid_phone_with_row_and_column(
    database_url: str, tmp_path: Path
) -> None:
    env = {"CXLENS_DATABASE_URL": database_url}
    path = tmp_path / "contacts.csv"
    path.write_text("customer_id,email,phone\nA,a@x.io,+31 628639799\nB,b@x.io,+31 6286\n")
    code, out = _run("import", str(path), "--kind", "customers", env=env)
    assert code == 2
    said = " ".join(out.split())
    assert "row 3" in said and "'phone'" in said and "'+31 6286' is not a valid phone" in said
    assert _count(database_url, Customer) == 0
    path.write_text("customer_id,email,phone\nA,a@x.io,+31 628639799\nB,b@x.io,06 28639799\n")
    code, out = _run("import", str(path), "--kind", "customers", "--phone-region", "NL", env=env)
    assert code == 0, out
    engine = engine_for_url(database_url)
    try:
        with engine.connect() as connection:
            phones = set(connection.execute(select(Customer.phone)).scalars())
    finally:
        engine.dispose()
    assert phones == {"+31628639799"}


def test_db_upgrade_reports_the_revision(tmp_path: Path) -> None:
    code, out = _run(
        "db", "upgrade", env={"CXLENS_DATA_DIR": str(tmp_path), "CXLENS_DATABASE_URL": ""}
    )
    assert code == 0, out
    assert "revision" in out
    assert (tmp_path / "cxlens.db").exists()


def test_version() -> None:
    code, out = _run("version")
    assert code == 0
    from cxlens import __version__

    assert out.strip() == __version__


def test_worker_refuses_an_unmigrated_database(tmp_path: Path) -> None:
    code, out = _run("worker", env={"CXLENS_DATA_DIR": str(tmp_path), "CXLENS_DATABASE_URL": ""})
    assert code == 2
    assert "cxlens db upgrade" in " ".join(out.split())


def test_worker_stops_cleanly_on_sigterm(tmp_path: Path) -> None:
    import signal
    import subprocess
    import sys
    import time

    env = {**os.environ, "CXLENS_DATA_DIR": str(tmp_path)}
    env.pop("CXLENS_DATABASE_URL", None)
    subprocess.run(
        [sys.executable, "-m", "cxlens", "db", "upgrade"], env=env, check=True, capture_output=True
    )
    proc = subprocess.Popen(
        [sys.executable, "-m", "cxlens", "worker"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        assert proc.stdout is not None
        first_line = proc.stdout.readline()
        assert "cxlens worker" in first_line
        time.sleep(0.5)
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=20) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
        if proc.stdout is not None:
            proc.stdout.close()


def test_analyze_shows_a_column_that_does_not_fit_its_scale_flagged(tmp_path: Path) -> None:
    path = tmp_path / "feedback.csv"
    path.write_text(
        "id,satisfaction_session_length\n" + "".join(f"{i},{1 + i % 3}\n" for i in range(40))
    )
    code, out = _run("analyze", str(path))
    assert code == 0, out
    said = " ".join(out.split())
    assert "flagged, not computed: 'satisfaction_session_length' as csat" in said
    assert "never reach the top boxes (4-5)" in said
    assert "CSAT" not in said
