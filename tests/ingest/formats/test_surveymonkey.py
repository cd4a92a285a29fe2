"""SurveyMonkey: columns named "<question> - <sub-answer>", free-text sub-answers no scores."""

from __future__ import annotations

import csv
from pathlib import Path

from cxlens.ingest.formats import detect_format
from cxlens.ingest.kinds import detect_kind
from cxlens.ingest.mapping import build_mapping, normalize
from cxlens.ingest.raw import read_raw

FILE = Path(__file__).parents[2] / "data" / "surveys" / "realistic" / "surveymonkey_labels.csv"
SUPPORT = "How satisfied were you with the way our support team handled your request?"
WORDS = (
    "Which of the following words would you use to describe our products? Select all that apply."
)


def test_continuation_columns_are_named_after_their_question() -> None:
    detected = detect_format(read_raw(FILE))
    header = detected.raw.header
    assert f"{SUPPORT} - Other (please specify)" in header
    assert f"{WORDS} - Reliable" in header and f"{WORDS} - Unreliable" in header
    assert SUPPORT in header and not [c for c in header if c.endswith("(2)")]
    assert detected.format.not_scores == frozenset({f"{SUPPORT} - Other (please specify)"})


def test_other_please_specify_is_not_a_score_and_gives_no_warning() -> None:
    detected = detect_format(read_raw(FILE))
    mapping = build_mapping(detected.raw, detected.format)
    columns = {m.column for m in mapping.scores}
    assert SUPPORT in columns and f"{SUPPORT} - Other (please specify)" not in columns
    assert mapping.warnings == ()


def test_satisfaction_and_ease_labels_become_scores() -> None:
    with FILE.open(encoding="utf-8-sig", newline="") as f:
        rows = list(csv.reader(f))[2:]
    csat_col = "Overall, how satisfied or dissatisfied are you with our company?"
    ces_col = "How easy was it to get the help you needed?"
    detected = detect_format(read_raw(FILE))
    mapping = build_mapping(detected.raw, detected.format)
    scales = {m.column: (str(m.kind), m.scale.low, m.scale.high) for m in mapping.scores}
    assert scales[csat_col] == ("csat", 1, 5) and scales[ces_col] == ("ces", 1, 5)
    data = normalize(detected.raw, mapping)
    order = ["Very dissatisfied", "Somewhat dissatisfied", "Neither satisfied nor dissatisfied",
             "Somewhat satisfied", "Very satisfied"]  # fmt: skip
    expected = [float(order.index(r[10]) + 1) for r in rows]
    assert data.table.column(csat_col).to_pylist() == expected
    ease = data.table.column(ces_col).to_pylist()
    assert ease[rows.index(next(r for r in rows if r[11] == "Very easy"))] == 5.0


def test_an_italian_export_with_its_own_sub_answer_words(tmp_path: Path) -> None:
    path = tmp_path / "it.csv"
    rows = [
        ["Respondent ID", "Collector ID", "Quanto consiglieresti Bottega a un amico?", "Perché?"],
        ["", "", "Risposta", "Risposta aperta"],
    ]
    rows += [[str(1000 + i), "77", str(i % 11), "così così, ma va bene"] for i in range(12)]
    with path.open("w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows(rows)
    detected = detect_format(read_raw(path))
    assert detected.format.name == "surveymonkey"
    assert detected.raw.header[2:] == ["Quanto consiglieresti Bottega a un amico?", "Perché?"]
    mapping = build_mapping(detected.raw, detected.format)
    assert [m.column for m in mapping.scores] == ["Quanto consiglieresti Bottega a un amico?"]
    assert mapping.text == ("Perché?",)


def test_a_standard_export_is_responses_under_kind_auto(tmp_path: Path) -> None:
    # metadata columns "Start Date", "End Date", "Email Address", "First Name" empty
    assert detect_kind(read_raw(FILE)) is None
    # ... and filled in (a collector that records contacts): still responses
    with FILE.open(encoding="utf-8-sig", newline="") as f:
        rows = list(csv.reader(f))
    header = rows[0]
    email, first = header.index("Email Address"), header.index("First Name")
    for i, row in enumerate(rows[2:]):
        row[email], row[first] = f"person{i}@example.com", f"Person {i}"
    filled = tmp_path / "with_contacts.csv"
    with filled.open("w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows(rows)
    assert detect_kind(read_raw(filled)) is None
