"""Metric columns recognised from header text in seven languages, confirmed by values."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from cxlens.analytics.scales import MetricKind
from cxlens.core.errors import InputError, Location
from cxlens.ingest.formats import detect_format
from cxlens.ingest.mapping import MappingOverrides, build_mapping, normalize
from cxlens.ingest.raw import read_raw


def _mapping(tmp_path: Path, header: list[str], rows: list[list[str]], delimiter: str = ","):
    path = tmp_path / "export.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, delimiter=delimiter)
        writer.writerow(header)
        writer.writerows(rows)
    detected = detect_format(read_raw(path))
    return detected.raw, build_mapping(detected.raw, detected.format)


NPS_HEADERS = [
    "How likely are you to recommend us to a friend?",
    "Quanto è probabile che consiglieresti il nostro negozio a un amico?",
    "Cât de probabil este să ne recomandați unui prieten?",
    "Hoe waarschijnlijk is het dat u ons zou aanbevelen?",
    "Recommanderiez-vous notre boutique à un ami ?",
    "Wie wahrscheinlich ist es, dass Sie uns weiterempfehlen?",
    "¿Recomendarías nuestra tienda a un amigo?",
    "NPS",
    "Likely-To-Recommend",
]


@pytest.mark.parametrize("header", NPS_HEADERS)
def test_recommend_question_is_nps_in_every_language(tmp_path: Path, header: str) -> None:
    _, mapping = _mapping(tmp_path, ["id", header], [[str(i), str(i % 11)] for i in range(40)])
    kinds = {m.column: m.kind for m in mapping.scores}
    assert kinds == {header: MetricKind.NPS}


@pytest.mark.parametrize(
    ("header", "kind"),
    [
        ("Overall, how satisfied are you?", MetricKind.CSAT),
        ("Quanto sei soddisfatto?", MetricKind.CSAT),
        ("Wie zufrieden sind Sie?", MetricKind.CSAT),
        ("Hoe tevreden bent u?", MetricKind.CSAT),
        ("How easy was it to handle your issue?", MetricKind.CES),
        ("Cuánto esfuerzo le costó?", MetricKind.CES),
    ],
)
def test_satisfaction_and_effort_questions(tmp_path: Path, header: str, kind: MetricKind) -> None:
    _, mapping = _mapping(tmp_path, ["id", header], [[str(i), str(1 + i % 5)] for i in range(40)])
    assert [(m.column, m.kind) for m in mapping.scores] == [(header, kind)]


def test_a_recommend_header_with_non_score_values_is_not_nps(tmp_path: Path) -> None:
    rows = [[str(i), "yes" if i % 2 else "no"] for i in range(40)]
    _, mapping = _mapping(tmp_path, ["id", "Would you recommend us?"], rows)
    assert mapping.scores == ()
    assert any("Would you recommend us?" in w for w in mapping.warnings)


def test_comment_columns_are_text(tmp_path: Path) -> None:
    header = ["id", "How likely to recommend?", "Why? Any comments"]
    rows = [[str(i), "9", "great"] for i in range(5)]
    _, mapping = _mapping(tmp_path, header, rows)
    assert mapping.text == ("Why? Any comments",)


def test_labelled_scores_become_numbers(tmp_path: Path) -> None:
    header = ["id", "How likely are you to recommend us?"]
    labels = ["10 - Extremely likely", "0 (Not at all likely)", "7", "9"]
    raw, mapping = _mapping(tmp_path, header, [[str(i), v] for i, v in enumerate(labels)])
    data = normalize(raw, mapping)
    assert data.table.column(header[1]).to_pylist() == [10.0, 0.0, 7.0, 9.0]


def _write_csv(path: Path, rows: list[list[str]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows(rows)
    return path


BAD_DATES = [["id", "Date", "How likely are you to recommend us?"]] + [
    [str(i), d, str(i % 11)]
    for i, d in enumerate(["2024-03-01", "last week", "2024-03-03", "Q1 2024", "2024-03-05"] * 8)
]


def test_an_auto_detected_date_column_that_does_not_parse_is_dropped(tmp_path: Path) -> None:
    raw = read_raw(_write_csv(tmp_path / "d.csv", BAD_DATES))
    detected = detect_format(raw)
    assert detected.format.date_column == "Date"
    mapping = build_mapping(detected.raw, detected.format)
    assert mapping.time is None
    (warning,) = [w for w in mapping.warnings if "'Date'" in w]
    assert "16 of 40" in warning and "'Q1 2024'" in warning and "'last week'" in warning
    assert "--time" in warning
    data = normalize(detected.raw, mapping)
    assert data.table.column("submitted_at").null_count == 40


def test_a_date_column_named_with_time_that_does_not_parse_is_an_error(tmp_path: Path) -> None:
    path = _write_csv(tmp_path / "d.csv", BAD_DATES)
    detected = detect_format(read_raw(path))
    mapping = build_mapping(detected.raw, detected.format, MappingOverrides(time="Date"))
    assert mapping.time == "Date"
    with pytest.raises(InputError) as err:
        normalize(detected.raw, mapping)
    assert err.value.location == Location(file=str(path), row=3, column="Date")
    assert "'last week'" in str(err.value)


def test_label_answers_fix_the_scale_and_a_label_nps_is_refused(tmp_path: Path) -> None:
    sat = ["Extremely satisfied", "Moderately satisfied", "Slightly dissatisfied"]
    rows = [["id", "How satisfied are you?", "How likely are you to recommend us?"]]
    rows += [[str(i), sat[i % 3], sat[i % 3]] for i in range(30)]
    detected = detect_format(read_raw(_write_csv(tmp_path / "l.csv", rows)))
    mapping = build_mapping(detected.raw, detected.format)
    assert [(m.column, m.scale.low, m.scale.high) for m in mapping.scores] == [
        ("How satisfied are you?", 1, 7)
    ]
    assert any("recommend" in w and "integers from 0 to 10" in w for w in mapping.warnings)


def test_a_score_column_whose_values_do_not_fit_its_scale_is_flagged(tmp_path: Path) -> None:
    # CarpentryCon 2020: 1 too short, 2 about right, 3 too long; "satisf" makes it CSAT
    header = ["id", "satisfaction_session_length", "overall_satisfaction"]
    rows = [[str(i), str(1 + i % 3), str(1 + i % 5)] for i in range(40)]
    _, mapping = _mapping(tmp_path, header, rows)
    assert [m.column for m in mapping.scores] == ["overall_satisfaction"]
    [flagged] = mapping.flagged
    assert (flagged.column, flagged.kind) == ("satisfaction_session_length", MetricKind.CSAT)
    assert flagged.misfit is not None
    assert "(1, 2, 3) never reach the top boxes (4-5)" in flagged.misfit
    assert "quantity" in flagged.misfit
    shown = mapping.to_json()["flagged"]
    assert shown == [
        {
            "column": "satisfaction_session_length",
            "metric": "csat",
            "scale": [1, 5],
            "reason": flagged.misfit,
        }
    ]


@pytest.mark.parametrize(
    ("header", "values"),
    [
        ("How satisfied are you?", ["3", "4", "5"]),  # a happy crowd: top boxes reached
        ("How satisfied are you?", ["1", "2", "3", "4"]),  # unhappy, but the whole scale
        ("Satisfaction with the pace (1-3)", ["1", "2", "3"]),  # the header states its scale
        ("Wie zufrieden sind Sie?", ["Sehr zufrieden", "Zufrieden", "Neutral"]),  # labels
    ],
)
def test_columns_that_fit_their_scale_are_not_flagged(
    tmp_path: Path, header: str, values: list[str]
) -> None:
    rows = [[str(i), values[i % len(values)]] for i in range(30)]
    _, mapping = _mapping(tmp_path, ["id", header], rows)
    assert mapping.flagged == ()
    assert [m.column for m in mapping.scores] == [header]


def test_a_reversed_effort_scale_is_flagged_on_its_own_top_boxes(tmp_path: Path) -> None:
    rows = [[str(i), str(3 + i % 3)] for i in range(30)]  # 3-5 where 1-2 is "little effort"
    _, mapping = _mapping(tmp_path, ["id", "How much effort did it take?"], rows)
    [flagged] = mapping.flagged
    assert flagged.kind is MetricKind.CES and flagged.misfit is not None
    assert "top boxes (1-2)" in flagged.misfit


def test_a_named_column_that_does_not_fit_is_computed_with_a_warning(tmp_path: Path) -> None:
    path = tmp_path / "export.csv"
    path.write_text(
        "id,satisfaction_session_length\n" + "".join(f"{i},{1 + i % 3}\n" for i in range(30))
    )
    detected = detect_format(read_raw(path))
    overrides = MappingOverrides(csat=["satisfaction_session_length"])
    mapping = build_mapping(detected.raw, detected.format, overrides)
    assert [m.column for m in mapping.scores] == ["satisfaction_session_length"]
    assert mapping.flagged == ()
    assert any("because it was named, but its values" in w for w in mapping.warnings)


def test_a_few_unhappy_answers_are_computed_not_flagged(tmp_path: Path) -> None:
    rows = [[str(i), str(1 + i % 3)] for i in range(8)]  # 8 answers of 1-3 on a CSAT column
    _, mapping = _mapping(tmp_path, ["id", "satisfaction"], rows)
    assert mapping.flagged == ()
    assert [m.column for m in mapping.scores] == ["satisfaction"]
