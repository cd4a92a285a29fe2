"""Typeform, LimeSurvey and Google Forms exports as their tools write them."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from cxlens.ingest.formats import detect_format
from cxlens.ingest.mapping import build_mapping, normalize
from cxlens.ingest.raw import read_raw

REALISTIC = Path(__file__).parents[2] / "data" / "surveys" / "realistic"


def test_typeform_submitted_at_is_utc() -> None:
    detected = detect_format(read_raw(REALISTIC / "typeform_submitted_at.csv"))
    fmt = detected.format
    assert (fmt.name, fmt.id_column, fmt.date_column) == ("typeform", "#", "Submitted At")
    assert fmt.time_zone == "UTC" and "Token" in fmt.metadata
    mapping = build_mapping(detected.raw, fmt)
    data = normalize(detected.raw, mapping, tz="Europe/Rome")
    raw_first = detected.raw.table.column("Submitted At")[0].as_py()
    parsed = dt.datetime.strptime(raw_first, "%Y-%m-%d %H:%M:%S").replace(tzinfo=dt.UTC)
    assert data.table.column("submitted_at")[0].as_py() == parsed


def test_limesurvey_incomplete_responses_are_kept_undated(tmp_path: Path) -> None:
    detected = detect_format(read_raw(REALISTIC / "limesurvey_incomplete.csv"))
    assert detected.format.name == "limesurvey" and detected.format.id_column == "Response ID"
    dates = detected.raw.table.column("Date submitted").to_pylist()
    missing = sum(d is None for d in dates)
    assert missing == 20 and detected.raw.table.num_rows == 150
    (note,) = detected.format.notes
    assert note.startswith("20 of 150 responses are incomplete")
    mapping = build_mapping(detected.raw, detected.format)
    assert mapping.time == "Date submitted"
    data = normalize(detected.raw, mapping)
    assert data.table.column("submitted_at").null_count == 20


def test_limesurvey_placeholder_date_is_not_a_date(tmp_path: Path) -> None:
    path = tmp_path / "lime.csv"
    rows = ["id,submitdate,lastpage,startlanguage,Quanto consiglieresti il negozio?"]
    rows += [f"{i},1980-01-01 00:00:00,2,it,{i % 11}" for i in range(1, 12)]
    rows += ["12,,1,it,"]
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    detected = detect_format(read_raw(path))
    assert detected.raw.table.column("submitdate").null_count == 12
    assert any("1980-01-01" in n and "11 responses" in n for n in detected.format.notes)
    mapping = build_mapping(detected.raw, detected.format)
    assert mapping.time is None and [m.column for m in mapping.scores] == [
        "Quanto consiglieresti il negozio?"
    ]


def test_google_forms_gmt_timestamps_parse() -> None:
    detected = detect_format(read_raw(REALISTIC / "google_forms_gmt.csv"))
    assert detected.format.name == "google_forms"
    mapping = build_mapping(detected.raw, detected.format)
    assert mapping.time == "Timestamp" and mapping.time_format is not None
    assert mapping.time_format.endswith("%z")
    data = normalize(detected.raw, mapping, tz="America/Chicago")
    first = detected.raw.table.column("Timestamp")[0].as_py()
    assert first == "2024/03/20 9:58:00 AM GMT+1"
    assert data.table.column("submitted_at")[0].as_py() == dt.datetime(
        2024, 3, 20, 8, 58, tzinfo=dt.UTC
    )
    assert data.table.column("submitted_at").null_count == 0
