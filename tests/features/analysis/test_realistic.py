"""analyze_file on realistic exports of every tool: the NPS a person computes, no flags."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import openpyxl
import pytest

from cxlens.core.errors import InputError
from cxlens.features.analysis import analyze_file
from cxlens.ingest.mapping import MappingOverrides

REALISTIC = Path(__file__).parents[2] / "data" / "surveys" / "realistic"


def _rows(name: str) -> list[list[str]]:
    with (REALISTIC / name).open(encoding="utf-8-sig", newline="") as f:
        return list(csv.reader(f))


def _expected(answers: list[str]) -> tuple[int, float]:
    """n and NPS of the non-empty answers; "10 - Extremely likely" counts as 10."""
    scores = [int(a.split(" ")[0]) for a in answers if a.strip()]
    promoters = sum(s >= 9 for s in scores)
    detractors = sum(s <= 6 for s in scores)
    return len(scores), 100 * (promoters - detractors) / len(scores)


def _independent(name: str) -> tuple[int, float]:
    rows = _rows(name)
    header = rows[0]
    if name.startswith("qualtrics"):
        status, nps = header.index("Status"), header.index("Q1")
        data = [r for r in rows[3:] if r[status] not in ("Survey Preview", "Spam")]
        return _expected([r[nps] for r in data])
    if name.startswith("surveymonkey"):
        nps = next(i for i, h in enumerate(header) if "recommend" in h)
        return _expected([r[nps] for r in rows[2:]])
    nps = next(i for i, h in enumerate(header) if "recommend" in h or "consiglieresti" in h)
    return _expected([r[nps] for r in rows[1:]])


def _nps(report: dict[str, object]) -> dict[str, object]:
    metrics = report["metrics"]
    assert isinstance(metrics, list)
    return next(m for m in metrics if m["metric"] == "nps")


@pytest.mark.parametrize(
    ("name", "fmt"),
    [
        ("qualtrics_choice_text.csv", "qualtrics"),
        ("surveymonkey_labels.csv", "surveymonkey"),
        ("google_forms_gmt.csv", "google_forms"),
        ("typeform_submitted_at.csv", "typeform"),
        ("limesurvey_incomplete.csv", "limesurvey"),
    ],
)
def test_realistic_export_gives_the_independent_nps(name: str, fmt: str) -> None:
    n, expected = _independent(name)
    assert 120 <= n <= 150
    report = analyze_file(REALISTIC / name, period="month").to_json()
    assert report["format"] == fmt
    overall = [m for m in report["metrics"] if m["metric"] == "nps"]
    # with --period the months add up to every dated answer; undated ones are in no month
    assert sum(m["n"] for m in overall) <= n
    report = analyze_file(REALISTIC / name).to_json()
    nps = _nps(report)
    assert nps["n"] == n
    assert nps["value"] == pytest.approx(expected, abs=1e-3)
    assert nps["low_confidence"] is False
    assert not [w for w in report["warnings"] if "looks like" in w or "--nps" in w]


def test_surveymonkey_xlsx_with_two_header_rows(tmp_path: Path) -> None:
    rows = _rows("surveymonkey_labels.csv")
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    for i, row in enumerate(rows):
        cells: list[object] = []
        for j, cell in enumerate(row):
            if i >= 2 and j in (2, 3):  # SurveyMonkey writes real dates into the workbook
                cells.append(dt.datetime.strptime(cell, "%m/%d/%Y %I:%M:%S %p"))
            elif i >= 2 and cell.isdigit():
                cells.append(int(cell))
            else:
                cells.append(cell or None)
        ws.append(cells)
    wb.save(tmp_path / "sm.xlsx")
    n, expected = _independent("surveymonkey_labels.csv")
    report = analyze_file(tmp_path / "sm.xlsx", period="month").to_json()
    assert report["format"] == "surveymonkey"
    assert report["mapping"]["time"] == "End Date"
    assert report["rows"] == len(rows) - 2
    assert sum(m["n"] for m in report["metrics"] if m["metric"] == "nps") == n
    nps = _nps(analyze_file(tmp_path / "sm.xlsx").to_json())
    assert nps["n"] == n and nps["value"] == pytest.approx(expected, abs=1e-3)
    scores = [c["column"] for c in report["mapping"]["csat"] + report["mapping"]["ces"]]
    assert len(scores) == 3 and not [c for c in scores if "please specify" in c]


def test_google_forms_by_month_after_dst() -> None:
    report = analyze_file(REALISTIC / "google_forms_gmt.csv", period="month").to_json()
    months = {m["period"] for m in report["metrics"] if m["metric"] == "nps"}
    assert len(months) >= 2


def test_title_line_file_is_analysed(tmp_path: Path) -> None:
    path = tmp_path / "titled.csv"
    lines = ["Customer Feedback - Export 2024-03-01", "id,How likely are you to recommend us?"]
    lines += [f"{i},{i % 11}" for i in range(33)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    report = analyze_file(path).to_json()
    assert _nps(report)["n"] == 33
    assert any("title" in w for w in report["warnings"])


def test_unparseable_auto_date_is_a_warning_and_named_one_an_error(tmp_path: Path) -> None:
    path = tmp_path / "dates.csv"
    lines = ["id,Date,How likely are you to recommend us?"]
    lines += [f"{i},{'sometime' if i % 4 == 0 else '2024-03-01'},{i % 11}" for i in range(40)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    report = analyze_file(path).to_json()
    assert _nps(report)["n"] == 40 and report["mapping"]["time"] is None
    assert any("'Date'" in w and "'sometime'" in w for w in report["warnings"])
    with pytest.raises(InputError) as err:
        analyze_file(path, period="month")
    assert "--time" in str(err.value)
    with pytest.raises(InputError) as err:
        analyze_file(path, MappingOverrides(time="Date"))
    assert err.value.location.row == 2 and err.value.location.column == "Date"
    assert "'sometime'" in str(err.value)
