"""Qualtrics choice-text export: previews and spam out, partials in, declared time zone."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

from cxlens.ingest.formats import detect_format
from cxlens.ingest.mapping import build_mapping, normalize
from cxlens.ingest.raw import read_raw

FILE = Path(__file__).parents[2] / "data" / "surveys" / "realistic" / "qualtrics_choice_text.csv"


def _records() -> list[dict[str, str]]:
    with FILE.open(encoding="utf-8-sig", newline="") as f:
        rows = list(csv.DictReader(f))
    return rows[2:]  # question texts and ImportIds


def test_preview_and_spam_rows_are_excluded_with_a_count() -> None:
    records = _records()
    real = [r for r in records if r["Status"] not in ("Survey Preview", "Spam")]
    assert len(records) - len(real) == 6 and any(r["Finished"] == "False" for r in real)
    detected = detect_format(read_raw(FILE))
    assert detected.format.name == "qualtrics"
    assert detected.raw.table.num_rows == len(real)
    assert detected.raw.table.column("ResponseId").to_pylist() == [r["ResponseId"] for r in real]
    (note,) = detected.format.notes
    assert note.startswith("6 of 150 responses excluded") and "'Survey Preview'" in note


def test_file_rows_are_kept_after_excluding_rows() -> None:
    detected = detect_format(read_raw(FILE))
    records = _records()
    first_preview = next(i for i, r in enumerate(records) if r["Status"] == "Survey Preview")
    # file row = 1 header + 2 extra header rows + index + 1; rows after the preview shift.
    assert detected.raw.file_row(first_preview) == first_preview + 4 + 1


def test_choice_text_nps_text_entry_columns_and_time_zone() -> None:
    detected = detect_format(read_raw(FILE))
    fmt = detected.format
    assert fmt.time_zone == "America/Denver"
    assert {"Q3", "Q4_5_TEXT"} <= fmt.not_scores
    assert {"Q1_NPS_GROUP", "Q_RecaptchaScore", "Status", "Finished"} <= fmt.metadata
    mapping = build_mapping(detected.raw, fmt)
    kinds = {m.column: (str(m.kind), m.scale.high) for m in mapping.scores}
    assert kinds == {"Q1": ("nps", 10), "Q2": ("csat", 7), "Q5": ("ces", 5)}
    assert mapping.text == ("Q3",)
    assert not [w for w in mapping.warnings if "looks like" in w]
    data = normalize(detected.raw, mapping, tz="Asia/Tokyo")  # the file's zone wins
    first = _records()[0]
    local = dt.datetime.strptime(first["RecordedDate"], "%Y-%m-%d %H:%M:%S")
    # March 2024 before the US DST switch: Denver is UTC-7.
    expected = (local + dt.timedelta(hours=7)).replace(tzinfo=dt.UTC)
    assert data.table.column("submitted_at")[0].as_py() == expected
    nps = data.table.column("Q1").to_pylist()
    assert set(nps) <= {float(i) for i in range(11)} | {None} and {0.0, 10.0} <= set(nps)


def test_numeric_status_codes_are_bit_flags(tmp_path: Path) -> None:
    # Numeric exports: 0 IP Address, 1 preview, 2 test, 4 imported, 8 spam, 16 offline.
    header = "StartDate,EndDate,Status,Finished,RecordedDate,ResponseId,Q1"
    texts = "Start Date,End Date,Response Type,Finished,Recorded Date,Response ID,Recommend us?"
    statuses = ["0", "1", "2", "4", "8", "9", "16", "0"]
    rows = []
    for i, status in enumerate(statuses):
        day = f"2024-03-0{i + 1}"
        rows.append(f"{day} 10:00:00,{day} 10:05:00,{status},1,{day} 10:05:00,R_{i},{i}")
    path = tmp_path / "numeric.csv"
    path.write_text("\n".join([header, texts, *rows]) + "\n", encoding="utf-8")
    detected = detect_format(read_raw(path))
    assert detected.format.name == "qualtrics"
    kept = detected.raw.table.column("ResponseId").to_pylist()
    assert kept == ["R_0", "R_3", "R_6", "R_7"]
    assert detected.format.notes[0].startswith("4 of 8 responses excluded")
    assert detected.format.time_zone is None
