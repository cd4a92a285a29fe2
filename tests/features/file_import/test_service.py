"""Importing files into the store: nothing dropped, nothing nulled, corrections replace.

Every test runs on a real SQLite file and a real PostgreSQL database (``migrated_engine``).
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select

from cxlens.core.errors import InputError
from cxlens.db import unit_of_work
from cxlens.features.file_import.service import import_file
from cxlens.models import Answer, Customer, Question, Response

NPS_HEADER = "How likely are you to recommend us?"


def _write(path: Path, rows: list[list[str]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows(rows)
    return path


def _survey(n: int = 10_000, *, ids: bool = True) -> list[list[str]]:
    """A header and ``n`` responses: id (optional), date, NPS 0-10 and a comment."""
    header = ["date", NPS_HEADER, "comment"]
    rows = [
        [f"2024-03-{1 + i % 28:02d} 10:{i % 60:02d}:00", str(i % 11), f"comment {i % 7}"]
        for i in range(n)
    ]
    if ids:
        return [["id", *header]] + [[f"r{i}", *row] for i, row in enumerate(rows)]
    return [header, *rows]


def _nps_answers(engine: Engine) -> list[float]:
    with unit_of_work(engine) as s:
        stmt = (
            select(Answer.value)
            .join(Question, Question.id == Answer.question_id)
            .where(Question.type == "nps")
            .order_by(Answer.response_id)
        )
        return [v for v in s.scalars(stmt).all() if v is not None]


def _count(engine: Engine, model: type) -> int:
    with unit_of_work(engine) as s:
        return s.scalar(select(func.count()).select_from(model)) or 0


def test_a_score_outside_the_scale_names_file_row_and_column_and_stores_nothing(
    migrated_engine: Engine, tmp_path: Path
) -> None:
    rows = _survey()
    rows[5_000][2] = "11"  # file row 5,001: the header is row 1
    path = _write(tmp_path / "survey.csv", rows)
    with pytest.raises(InputError) as caught, unit_of_work(migrated_engine) as s:
        import_file(s, path)
    error = caught.value
    assert error.location.file == str(path)
    assert error.location.row == 5_001
    assert error.location.column == NPS_HEADER
    assert error.expected is not None and "0 to 10" in error.expected
    assert "--skip-bad-rows" in str(error)
    assert _count(migrated_engine, Response) == 0


def test_skip_bad_rows_skips_only_those_and_lists_them(
    migrated_engine: Engine, tmp_path: Path
) -> None:
    rows = _survey(1_000)
    rows[500][2] = "11"
    rows[700][1] = "not a date"
    path = _write(tmp_path / "survey.csv", rows)
    with unit_of_work(migrated_engine) as s:
        result = import_file(s, path, skip_bad_rows=True)
    assert result.result.added == 998
    skipped = [(r.row, r.column, r.value) for r in result.skipped]
    assert skipped == [(501, NPS_HEADER, "11"), (701, "date", "not a date")]
    assert all(r.file == str(path) and r.problem and r.expected for r in result.skipped)
    assert result.to_json()["skipped_rows"][0]["row"] == 501
    assert len(_nps_answers(migrated_engine)) == 998
    with unit_of_work(migrated_engine) as s:
        assert s.scalar(select(func.count(Response.submitted_at))) == 998  # no date nulled


def test_the_corrected_file_then_imports_the_skipped_rows(
    migrated_engine: Engine, tmp_path: Path
) -> None:
    rows = _survey(300)
    good = rows[150][2]
    rows[150][2] = "11"
    faulty = _write(tmp_path / "faulty.csv", rows)
    with unit_of_work(migrated_engine) as s:
        first = import_file(s, faulty, skip_bad_rows=True)
    rows[150][2] = good
    fixed = _write(faulty, rows)  # the file corrected in place
    with unit_of_work(migrated_engine) as s:
        second = import_file(s, fixed)
    assert (first.result.added, second.result.added, second.result.skipped_duplicates) == (
        299,
        1,
        299,
    )
    assert len(_nps_answers(migrated_engine)) == 300


def test_one_unparseable_date_is_an_error_not_a_column_of_nulls(
    migrated_engine: Engine, tmp_path: Path
) -> None:
    rows = _survey(2_000)
    rows[1_234][1] = "31/31/2024"
    path = _write(tmp_path / "survey.csv", rows)
    with pytest.raises(InputError) as caught, unit_of_work(migrated_engine) as s:
        import_file(s, path)
    assert (caught.value.location.row, caught.value.location.column) == (1_235, "date")
    assert "31/31/2024" in str(caught.value)
    assert _count(migrated_engine, Response) == 0


@pytest.mark.parametrize("ids", [True, False], ids=["id column", "no id column"])
def test_the_identical_file_twice_adds_nothing(
    migrated_engine: Engine, tmp_path: Path, ids: bool
) -> None:
    rows = _survey(50, ids=ids)
    rows.append(list(rows[-1]))  # two identical rows: with an id, one response; without, two
    path = _write(tmp_path / "survey.csv", rows)
    with unit_of_work(migrated_engine) as s:
        first = import_file(s, path)
    with unit_of_work(migrated_engine) as s:
        second = import_file(s, path)
    expected = 50 if ids else 51
    assert (first.result.added, second.result.added, second.result.updated) == (expected, 0, 0)
    assert _count(migrated_engine, Response) == expected


def test_a_corrected_file_replaces_what_the_faulty_one_stored(
    migrated_engine: Engine, tmp_path: Path
) -> None:
    rows = _survey(100)
    path = _write(tmp_path / "survey.csv", rows)
    with unit_of_work(migrated_engine) as s:
        import_file(s, path)
    before = _nps_answers(migrated_engine)
    rows[10][2] = "0" if rows[10][2] != "0" else "10"  # the same response, another score
    rows[20][3] = "a corrected comment"
    rows[30][2] = ""  # an answer taken back
    _write(path, rows)
    with unit_of_work(migrated_engine) as s:
        result = import_file(s, path)
    assert (result.result.added, result.result.updated) == (0, 3)
    assert result.result.skipped_duplicates == 97
    after = _nps_answers(migrated_engine)
    assert len(after) == len(before) - 1
    assert _count(migrated_engine, Response) == 100
    with unit_of_work(migrated_engine) as s:
        texts = s.scalars(select(Answer.text).where(Answer.text.is_not(None))).all()
        assert "a corrected comment" in texts and len(texts) == 100


def test_a_new_mapping_replaces_responses_stored_without_a_column(
    migrated_engine: Engine, tmp_path: Path
) -> None:
    # The first import maps no NPS column (the user left it out with --text only and a file
    # whose header does not say NPS); a later one with --nps stores the answers.
    rows = _survey(20)
    rows[0][2] = "score"
    path = _write(tmp_path / "survey.csv", rows)
    with unit_of_work(migrated_engine) as s:
        import_file(s, path)
    assert _nps_answers(migrated_engine) == []
    from cxlens.ingest.mapping import MappingOverrides

    with unit_of_work(migrated_engine) as s:
        result = import_file(s, path, overrides=MappingOverrides(nps="score", text=["comment"]))
    assert (result.result.added, result.result.updated) == (0, 20)
    assert len(_nps_answers(migrated_engine)) == 20
    assert _count(migrated_engine, Response) == 20


def test_ids_of_a_generic_file_number_the_rows_of_one_survey(
    migrated_engine: Engine, tmp_path: Path
) -> None:
    # Two unrelated CSV files both number their rows r0, r1 ...: the second does not
    # overwrite the first, and says why its rows were not imported.
    first = _write(tmp_path / "spring.csv", _survey(10))
    rows = _survey(10)
    for row in rows[1:]:
        row[2] = "10"
    second = _write(tmp_path / "autumn.csv", rows)
    with unit_of_work(migrated_engine) as s:
        import_file(s, first)
        result = import_file(s, second)
    assert (result.result.added, result.result.updated) == (0, 0)
    assert any("10 row(s) were not imported" in w for w in result.to_json()["warnings"])
    assert sorted(_nps_answers(migrated_engine)) == sorted(float(i % 11) for i in range(10))


def test_a_survey_tool_export_renamed_and_corrected_updates_its_responses(
    migrated_engine: Engine, tmp_path: Path
) -> None:
    source = Path(__file__).resolve().parents[2] / "data" / "surveys" / "typeform.csv"
    with unit_of_work(migrated_engine) as s:
        first = import_file(s, source)
    text = source.read_text(encoding="utf-8")
    assert "tf00001x,10,4," in text
    renamed = tmp_path / "typeform_export_corrected.csv"
    renamed.write_text(text.replace("tf00001x,10,4,", "tf00001x,3,4,"), encoding="utf-8")
    with unit_of_work(migrated_engine) as s:
        again = import_file(s, renamed)
    assert (again.result.added, again.result.updated) == (0, 1)
    assert again.result.skipped_duplicates == first.result.added - 1
    assert _count(migrated_engine, Response) == first.result.added
    assert 3.0 in _nps_answers(migrated_engine)


def test_skip_bad_rows_in_a_referrals_file(migrated_engine: Engine, tmp_path: Path) -> None:
    path = tmp_path / "referrals.csv"
    path.write_text(
        "referred_by,referee,referred_at\n"
        "a,b,2024-03-01\nc,c,2024-03-02\nd,e,2024-03-03\nf,g,soon\nh,i,2024-03-05\n",
        encoding="utf-8",
    )
    with pytest.raises(InputError) as caught, unit_of_work(migrated_engine) as s:
        import_file(s, path, kind="referrals")
    assert caught.value.location.row == 5  # dates are read before the pairs are checked
    with unit_of_work(migrated_engine) as s:
        result = import_file(s, path, kind="referrals", skip_bad_rows=True)
    assert result.result.added == 3
    assert [(b.row, b.column, b.value) for b in result.skipped] == [
        (3, "referee", "c"),
        (5, "referred_at", "soon"),
    ]
    assert result.to_json()["rows"] == 5


def test_invalid_phones_stop_a_customer_list_or_are_skipped_and_listed(
    migrated_engine: Engine, tmp_path: Path
) -> None:
    path = tmp_path / "customers.csv"
    path.write_text(
        "customer_id,phone,country\n"
        "A,+31 628639799,\nB,06 28639799,NL\nC,+31 6286,\nD,347 123 4567,\nE,call me,\n",
        encoding="utf-8",
    )
    with pytest.raises(InputError) as caught, unit_of_work(migrated_engine) as s:
        import_file(s, path, kind="customers", phone_region="IT")
    where = caught.value.location
    assert (where.row, where.column) == (4, "phone")
    assert "'+31 6286' is not a valid phone number" in caught.value.problem
    assert "row(s) 6" in caught.value.problem  # the other invalid one
    assert _count(migrated_engine, Customer) == 0
    with unit_of_work(migrated_engine) as s:
        result = import_file(s, path, kind="customers", phone_region="IT", skip_bad_rows=True)
    assert [(b.row, b.column, b.value) for b in result.skipped] == [
        (4, "phone", "+31 6286"),
        (6, "phone", "call me"),
    ]
    with unit_of_work(migrated_engine) as s:
        phones = {r: p for r, p in s.execute(select(Customer.customer_ref, Customer.phone))}
    assert phones == {"A": "+31628639799", "B": "+31628639799", "D": "+393471234567"}


def test_an_unknown_phone_region_is_an_error(migrated_engine: Engine, tmp_path: Path) -> None:
    path = tmp_path / "customers.csv"
    path.write_text("customer_id,phone\nA,06 28639799\n", encoding="utf-8")
    with pytest.raises(InputError) as caught, unit_of_work(migrated_engine) as s:
        import_file(s, path, kind="customers", phone_region="Holland")
    assert caught.value.location.field == "phone_region"
    assert "ISO 3166" in (caught.value.expected or "")
