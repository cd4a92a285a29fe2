"""analyze_file on fixture exports of every supported tool and on a real export."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import openpyxl
import pytest

from cxlens.core.errors import InputError
from cxlens.features.analysis import analyze_file
from cxlens.ingest.mapping import MappingOverrides

DATA = Path(__file__).parents[2] / "data" / "surveys"
REAL = Path("/work/shared/data/carpentries_longterm_2017.csv")

# Every fixture holds the same 20 NPS answers: 10 promoters (6x10, 4x9), 5 passives
# (3x8, 2x7) and 5 detractors (2x6, 2x3, 1x0).
N, PROMOTERS, DETRACTORS = 20, 10, 5
EXPECTED_NPS = 100 * (PROMOTERS - DETRACTORS) / N


def _nps(report: dict[str, object]) -> dict[str, object]:
    metrics = report["metrics"]
    assert isinstance(metrics, list)
    return next(m for m in metrics if m["metric"] == "nps")


@pytest.mark.parametrize(
    ("name", "fmt", "nps_column"),
    [
        ("qualtrics.csv", "qualtrics", "Q1"),
        ("qualtrics_legacy.csv", "qualtrics", "Q1"),
        ("surveymonkey.csv", "surveymonkey", None),
        ("google_forms.csv", "google_forms", None),
        ("typeform.csv", "typeform", None),
        ("limesurvey.csv", "limesurvey", None),
        ("generic_semicolon_cp1252.csv", "csv", None),
        ("utf16.tsv", "tsv", None),
        ("double_encoded.csv", "csv", None),
    ],
)
def test_formats_give_the_known_nps(name: str, fmt: str, nps_column: str | None) -> None:
    report = analyze_file(DATA / name).to_json()
    assert report["format"] == fmt
    nps = _nps(report)
    assert nps["n"] == N
    assert nps["value"] == pytest.approx(EXPECTED_NPS)
    assert nps["low_confidence"] is True  # 20 < 30
    mapping = report["mapping"]
    assert isinstance(mapping, dict)
    if nps_column:
        assert mapping["nps"]["column"] == nps_column


def test_qualtrics_group_column_and_metadata_are_not_questions() -> None:
    report = analyze_file(DATA / "qualtrics.csv").to_json()
    mapping = report["mapping"]
    assert report["rows"] == N
    assert mapping["nps"]["column"] == "Q1"
    assert [c["column"] for c in mapping["csat"]] == ["Q2"]
    assert mapping["csat"][0]["scale"] == [1, 5]
    assert mapping["text"] == ["Q3"]
    assert mapping["time"] == "RecordedDate" and mapping["id"] == "ResponseId"


def test_csat_share_from_known_counts() -> None:
    report = analyze_file(DATA / "qualtrics.csv").to_json()
    csat = next(m for m in report["metrics"] if m["metric"] == "csat")
    # csat answers 4 and 5 are positive: six 5s + eight 4s = 14 of 20
    assert csat["n"] == N
    assert csat["value"] == pytest.approx(100 * 14 / 20)


def test_semicolon_file_decimal_commas_and_markers() -> None:
    report = analyze_file(DATA / "generic_semicolon_cp1252.csv").to_json()
    assert report["rows"] == N + 1  # the last row holds only missing markers
    assert report["mapping"]["time"] == "Datum"
    assert [c["column"] for c in report["mapping"]["csat"]] == ["Tevredenheid (1-5)"]


def test_surveymonkey_xlsx(tmp_path: Path) -> None:
    with (DATA / "surveymonkey.csv").open(encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f))
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    for row in rows:
        ws.append([int(c) if c.isdigit() and len(c) < 12 else (c or None) for c in row])
    wb.save(tmp_path / "sm.xlsx")
    report = analyze_file(tmp_path / "sm.xlsx").to_json()
    assert report["format"] == "surveymonkey"
    assert _nps(report)["value"] == pytest.approx(EXPECTED_NPS)


def test_by_period_and_overrides() -> None:
    report = analyze_file(
        DATA / "typeform.csv",
        MappingOverrides(nps="How likely are you to recommend Acme?"),
        by=["Network ID"],
        period="month",
    ).to_json()
    groups = {m["group"]["Network ID"] for m in report["metrics"] if m["metric"] == "nps"}
    assert groups == {"net0", "net1", "net2", "net3"}
    assert sum(m["n"] for m in report["metrics"] if m["metric"] == "nps") == N


def test_unknown_override_lists_columns() -> None:
    with pytest.raises(InputError) as err:
        analyze_file(DATA / "typeform.csv", MappingOverrides(nps="Score"))
    assert "Score" in str(err.value) and "Network ID" in str(err.value)


def test_no_metric_column_is_a_warning_not_an_error(tmp_path: Path) -> None:
    path = tmp_path / "plain.csv"
    path.write_text("name,city\nAna,Cluj\nBob,Rome\n", encoding="utf-8")
    report = analyze_file(path).to_json()
    assert report["rows"] == 2 and report["metrics"] == []
    assert any("--nps" in w for w in report["warnings"])


@pytest.mark.parametrize(
    ("name", "row", "words"),
    [
        ("ragged.csv", 4, "more fields"),
        ("garbage.csv", None, "not a text table"),
        ("bad_score.csv", 4, "'nine' is not a score"),
    ],
)
def test_hostile_fixtures(name: str, row: int | None, words: str) -> None:
    with pytest.raises(InputError) as err:
        analyze_file(DATA / name)
    assert name in str(err.value) and words in str(err.value)
    assert err.value.location.row == row


def test_progress_is_reported(tmp_path: Path) -> None:
    steps: list[str] = []
    shutil.copy(DATA / "google_forms.csv", tmp_path / "g.csv")
    analyze_file(tmp_path / "g.csv", on_progress=steps.append)
    assert steps[0] == "reading" and steps[-1] == "done"


@pytest.mark.skipif(not REAL.exists(), reason="shared evaluation data not present")
def test_real_carpentries_export() -> None:
    with REAL.open(encoding="utf-8", newline="") as f:
        answers = [
            int(r["Likely-To-Recommend"]) for r in csv.DictReader(f) if r["Likely-To-Recommend"]
        ]
    promoters = sum(a >= 9 for a in answers)
    detractors = sum(a <= 6 for a in answers)
    report = analyze_file(REAL).to_json()
    nps = _nps(report)
    assert report["mapping"]["nps"]["column"] == "Likely-To-Recommend"
    assert nps["n"] == len(answers) == 402
    assert nps["value"] == pytest.approx(100 * (promoters - detractors) / len(answers), abs=1e-3)
    assert nps["low_confidence"] is False


#: The CarpentryCon 2020 feedback export, when the evaluation data holds it (never shipped).
CARPENTRYCON = sorted(REAL.parent.glob("*arpentry*on*2020*.csv"))


def _carpentrycon_shaped(path: Path) -> list[dict[str, str]]:
    """Rows shaped like the CarpentryCon 2020 export: a 1-3 length question whose header
    says "satisfaction", beside a real 1-5 satisfaction and a 0-10 recommend question."""
    rows = [
        {
            "id": str(i),
            "satisfaction_overall": str(1 + (i * 7) % 5),
            "satisfaction_session_length": str(1 + i % 3),  # too short / right / too long
            "likely_to_recommend": str(i % 11),
        }
        for i in range(60)
    ]
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return rows


def test_a_column_that_does_not_fit_its_scale_is_flagged_not_computed(tmp_path: Path) -> None:
    rows = _carpentrycon_shaped(tmp_path / "carpentrycon.csv")
    report = analyze_file(tmp_path / "carpentrycon.csv").to_json()
    mapping = report["mapping"]
    assert [c["column"] for c in mapping["csat"]] == ["satisfaction_overall"]
    [flagged] = mapping["flagged"]
    assert flagged["column"] == "satisfaction_session_length"
    assert "never reach the top boxes" in flagged["reason"]
    [csat] = [m for m in report["metrics"] if m["metric"] == "csat"]  # one figure: the real one
    positive = sum(int(r["satisfaction_overall"]) >= 4 for r in rows)
    assert csat["value"] == pytest.approx(100 * positive / len(rows), abs=1e-3)


@pytest.mark.skipif(not CARPENTRYCON, reason="the CarpentryCon 2020 export is not in the data")
def test_real_carpentrycon_2020_session_length_is_flagged() -> None:
    report = analyze_file(CARPENTRYCON[0]).to_json()
    mapping = report["mapping"]
    scored = [c["column"] for kind in ("csat", "ces") for c in mapping[kind]]
    assert "satisfaction_session_length" not in scored
    flagged = {f["column"]: f for f in mapping.get("flagged", [])}
    assert "never reach the top boxes" in flagged["satisfaction_session_length"]["reason"]
