"""read_raw on real files written to disk: encodings, delimiters, hostile input."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from cxlens.core.errors import InputError
from cxlens.ingest.raw import read_raw


def _write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def test_utf8_comma_with_multiline_quoted_cell(tmp_path: Path) -> None:
    path = _write(tmp_path, "a.csv", b'id,score,comment\n1,9,"line one\nline two"\n2,,ok\n')
    raw = read_raw(path)
    assert (raw.container, raw.encoding, raw.delimiter) == ("csv", "utf-8", ",")
    assert raw.header == ["id", "score", "comment"]
    assert raw.table.column("comment").to_pylist() == ["line one\nline two", "ok"]
    assert raw.table.column("score").to_pylist() == ["9", None]
    assert raw.first_data_row == 2
    assert raw.table.schema.types == [pa.string()] * 3


def test_bom_and_duplicate_header_names(tmp_path: Path) -> None:
    path = _write(tmp_path, "b.csv", "\ufeffQ1,Q1,\n1,2,3\n".encode())
    raw = read_raw(path)
    assert raw.encoding == "utf-8-sig"
    assert raw.header == ["Q1", "Q1 (2)", "column 3"] or raw.header == ["Q1", "Q1 (2)"]


def test_utf16_tab_separated(tmp_path: Path) -> None:
    text = "Name\tNote\nZoë\t10\nJosé\t7\n"
    raw = read_raw(_write(tmp_path, "c.tsv", text.encode("utf-16")))
    assert raw.encoding == "utf-16"
    assert raw.container == "tsv"
    assert raw.table.column("Name").to_pylist() == ["Zoë", "José"]


def test_cp1252_semicolon(tmp_path: Path) -> None:
    text = (
        "Kunde;Zufriedenheit;Kommentar\n"
        + "Müller;4,5;Très bien \u2013 ça marche\nHäßler;2;teuer €\n" * 3
    )
    raw = read_raw(_write(tmp_path, "d.csv", text.encode("cp1252")))
    assert raw.encoding == "cp1252"
    assert raw.delimiter == ";"
    comments = raw.table.column("Kommentar").to_pylist()
    assert comments[:2] == ["Très bien \u2013 ça marche", "teuer €"]
    assert raw.table.column("Zufriedenheit").to_pylist()[0] == "4,5"


def test_double_encoded_utf8_is_repaired(tmp_path: Path) -> None:
    text = "city,comment\nMünchen,Café très bon\n".encode().decode("cp1252").encode("utf-8")
    raw = read_raw(_write(tmp_path, "e.csv", text))
    assert raw.header == ["city", "comment"]
    assert raw.table.to_pylist() == [{"city": "München", "comment": "Café très bon"}]


def test_short_rows_are_padded_and_long_rows_are_an_error(tmp_path: Path) -> None:
    raw = read_raw(_write(tmp_path, "f.csv", b"a,b,c\n1,2\n3,4,5\n"))
    assert raw.table.column("c").to_pylist() == [None, "5"]
    body = b"a,b,c\n" + b"1,2,3\n" * 3 + b"1,2,3,4\n"
    with pytest.raises(InputError) as err:
        read_raw(_write(tmp_path, "g.csv", body))
    assert err.value.location.row == 5
    assert "g.csv" in str(err.value) and "more fields" in str(err.value)


def test_long_row_beyond_the_sniffer_sample(tmp_path: Path) -> None:
    body = b"a,b,c\n" + b"1,2,3\n" * 30000 + b"1,2,3,4,5\n"
    with pytest.raises(InputError) as err:
        read_raw(_write(tmp_path, "h.csv", body))
    assert err.value.location.row == 30002


def test_ten_megabyte_cell_is_read(tmp_path: Path) -> None:
    body = b'id,comment\n1,"' + b"x" * 10_000_000 + b'"\n2,short\n'
    raw = read_raw(_write(tmp_path, "big.csv", body))
    assert raw.table.num_rows == 2
    assert len(raw.table.column("comment")[0].as_py()) == 10_000_000


@pytest.mark.parametrize(
    ("name", "data", "words"),
    [
        ("empty.csv", b"", "empty"),
        ("blank.csv", b"\n\n  \n", "empty"),
        ("header.csv", b"a,b,c\n", "no data rows"),
        ("garbage.csv", bytes(range(256)) * 40, "not a text table"),
        ("nul.csv", b"a,b\n1,\x00\x00\x00\x002\n" * 50, "not a text table"),
        ("data.sav", b"a,b\n1,2\n", "unsupported file type"),
        ("broken.xlsx", b"PK\x03\x04 not really a zip", "workbook"),
        ("broken.parquet", b"PAR1 nope", "Parquet"),
    ],
)
def test_hostile_files_name_the_file(tmp_path: Path, name: str, data: bytes, words: str) -> None:
    path = _write(tmp_path, name, data)
    with pytest.raises(InputError) as err:
        read_raw(path)
    assert str(path) in str(err.value)
    assert words in str(err.value)


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no such file"):
        read_raw(tmp_path / "nope.csv")


def test_xlsx_parquet_jsonl(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(["Respondent ID", "Score", "Comment"])
    ws.append([1001, 9, "great"])
    ws.append([1002, 6.5, None])
    wb.save(tmp_path / "x.xlsx")
    raw = read_raw(tmp_path / "x.xlsx")
    assert raw.container == "xlsx" and raw.encoding is None
    assert raw.table.to_pylist() == [
        {"Respondent ID": "1001", "Score": "9", "Comment": "great"},
        {"Respondent ID": "1002", "Score": "6.5", "Comment": None},
    ]

    pq.write_table(pa.table({"id": [1, 2], "nps": [10.0, None]}), tmp_path / "p.parquet")
    raw = read_raw(tmp_path / "p.parquet")
    assert raw.header == ["id", "nps"]
    assert raw.table.column("id").to_pylist() == ["1", "2"]
    assert raw.table.column("nps").to_pylist()[1] is None

    path = _write(
        tmp_path, "j.jsonl", b'{"id": "a", "nps": 9, "tags": [1]}\n{"id": "b", "nps": null}\n'
    )
    raw = read_raw(path)
    assert raw.container == "jsonl"
    assert raw.table.column("nps").to_pylist() == ["9", None]
    assert raw.table.column("tags").to_pylist()[0] == "[1]"


def test_a_title_line_above_the_header_is_skipped_with_a_note(tmp_path: Path) -> None:
    body = b'Customer Feedback Survey - export 2024-03-01\nid,score,comment\n1,9,ok\n2,10,"a, b"\n'
    raw = read_raw(_write(tmp_path, "t.csv", body))
    assert raw.header == ["id", "score", "comment"]
    assert raw.table.column("score").to_pylist() == ["9", "10"]
    assert raw.first_data_row == 3 and raw.file_row(1) == 4
    (note,) = raw.notes
    assert "'Customer Feedback Survey - export 2024-03-01'" in note


def test_rows_after_a_title_keep_their_file_numbers(tmp_path: Path) -> None:
    body = b'"Survey export"\nid,score\n1,9\n2,10\n3,8\n4,7\n5,6,extra\n'
    with pytest.raises(InputError) as err:
        read_raw(_write(tmp_path, "t.csv", body))
    assert "more fields" in str(err.value)
    assert err.value.location.row == 7


def test_a_title_that_is_not_unambiguous_is_a_clear_error(tmp_path: Path) -> None:
    body = b"Customer survey, March 2024\nid,score,comment\n1,9,ok\n2,10,fine\n"
    with pytest.raises(InputError) as err:
        read_raw(_write(tmp_path, "t.csv", body))
    assert err.value.location.row == 1
    assert "first line has 2 fields but the rows below have 3" in str(err.value)
    assert "delete the line(s) above the header row" in str(err.value)
    body = b"Survey export\nid,,comment\n1,9,ok\n2,10,fine\n"
    with pytest.raises(InputError, match="looks like a title"):
        read_raw(_write(tmp_path, "u.csv", body))


def test_xlsx_two_row_header_with_trailing_sub_answers(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(["Respondent ID", "How did you hear about us?"])
    ws.append([None, "Response", "Other (please specify)"])
    ws.append([1001, "Friend", None])
    ws.append([1002, None, "A podcast, I think"])
    wb.save(tmp_path / "sm.xlsx")
    raw = read_raw(tmp_path / "sm.xlsx")
    assert raw.header_rows[1] == ["", "Response", "Other (please specify)"]
    assert raw.table.num_columns == 3
    assert raw.table.column(2).to_pylist() == ["Other (please specify)", None, "A podcast, I think"]
