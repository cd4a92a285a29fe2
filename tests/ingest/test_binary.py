"""Hostile workbooks are refused with a clear error before calamine reads them."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from openpyxl import Workbook

from cxlens.core.errors import InputError
from cxlens.ingest import binary
from cxlens.ingest.raw import read_raw


def _workbook(path: Path, cells: dict[str, str]) -> Path:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for ref, value in cells.items():
        sheet[ref] = value
    book.save(path)
    return path


def test_a_normal_workbook_is_read(tmp_path: Path) -> None:
    path = _workbook(tmp_path / "ok.xlsx", {"A1": "id", "B1": "nps", "A2": "1", "B2": "9"})
    raw = read_raw(path)
    assert raw.header == ["id", "nps"] and raw.table.num_rows == 1


def test_one_cell_at_the_last_column_and_row_is_refused(tmp_path: Path) -> None:
    # 16,384 × 1,048,576 cells once padded from A1: a 512 GiB allocation aborted cxlens.
    path = _workbook(tmp_path / "far.xlsx", {"XFD1048576": "x"})
    assert path.stat().st_size < 10_000
    with pytest.raises(InputError) as caught:
        read_raw(path)
    message = str(caught.value)
    assert "far.xlsx" in message and "1,048,576 rows × 16,384 columns" in message
    assert f"{binary.XLSX_MAX_COLUMNS:,} columns" in message


def test_a_lying_dimension_does_not_hide_a_far_cell(tmp_path: Path) -> None:
    path = _workbook(tmp_path / "far.xlsx", {"A1": "id", "XFD1048576": "x"})
    patched = tmp_path / "lying.xlsx"
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(patched, "w") as target:
        for item in source.infolist():
            data = source.read(item)
            if item.filename.startswith("xl/worksheets/"):
                lying = data.replace(
                    b'<dimension ref="A1:XFD1048576" />', b'<dimension ref="A1" />'
                )
                assert lying != data
                data = lying
            target.writestr(item, data)
    with pytest.raises(InputError, match="holds cells up to 1,048,576 rows"):
        read_raw(patched)


_PARTS = {
    "[Content_Types].xml": (
        '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/'
        'package/2006/content-types"><Default Extension="rels" ContentType="application/'
        'vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" '
        'ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType='
        '"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/><Override '
        'PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-'
        'officedocument.spreadsheetml.sharedStrings+xml"/></Types>'
    ),
    "_rels/.rels": (
        '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.'
        'openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://'
        'schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
        'Target="xl/workbook.xml"/></Relationships>'
    ),
    "xl/workbook.xml": (
        '<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.'
        'org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/'
        'officeDocument/2006/relationships"><sheets><sheet name="Sheet1" sheetId="1" '
        'r:id="rId1"/></sheets></workbook>'
    ),
    "xl/_rels/workbook.xml.rels": (
        '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.'
        'openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://'
        'schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" '
        'Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.'
        'openxmlformats.org/officeDocument/2006/relationships/sharedStrings" '
        'Target="sharedStrings.xml"/></Relationships>'
    ),
    "xl/worksheets/sheet1.xml": (
        '<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.'
        'openxmlformats.org/spreadsheetml/2006/main"><dimension ref="A1:A2"/><sheetData>'
        '<row r="1"><c r="A1" t="s"><v>0</v></c></row><row r="2"><c r="A2" t="s"><v>1</v>'
        "</c></row></sheetData></worksheet>"
    ),
}


def _shared_strings_workbook(path: Path, second: int) -> Path:
    """A workbook of one column, "comment" and a shared string of ``second`` letters A."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for name, text in _PARTS.items():
            target.writestr(name, text)
        info = zipfile.ZipInfo("xl/sharedStrings.xml", (2024, 1, 1, 0, 0, 0))
        info.compress_type = zipfile.ZIP_DEFLATED
        with target.open(info, "w", force_zip64=True) as part:
            part.write(b'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.')
            part.write(b'openxmlformats.org/spreadsheetml/2006/main" count="2" uniqueCount="2">')
            part.write(b"<si><t>comment</t></si><si><t>")
            chunk = b"A" * min(second, 4 * 1024**2)
            written = 0
            while written < second:
                part.write(chunk[: second - written])
                written += len(chunk)
            part.write(b"</t></si></sst>")
    return path


def test_a_shared_strings_workbook_is_read(tmp_path: Path) -> None:
    raw = read_raw(_shared_strings_workbook(tmp_path / "ok.xlsx", 10))
    assert raw.header == ["comment"] and raw.table.column(0).to_pylist() == ["A" * 10]


def test_a_huge_shared_string_compressed_small_is_refused(tmp_path: Path) -> None:
    # A 400 MB string compressed to well under a megabyte: MemoryError before.
    bomb = _shared_strings_workbook(tmp_path / "bomb_400mb.xlsx", 400 * 1024**2)
    assert bomb.stat().st_size < 1024**2
    with pytest.raises(InputError) as caught:
        read_raw(bomb)
    message = str(caught.value)
    assert "bomb_400mb.xlsx" in message and "xl/sharedStrings.xml" in message
    assert "expands" in message and f"{binary.XLSX_MAX_EXPANSION_RATIO} times" in message


def test_limits_hold_for_parts_cells_and_size(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = _workbook(tmp_path / "w.xlsx", {"A1": "comment", "A2": "x" * 5_000})
    monkeypatch.setattr(binary, "XLSX_MAX_CELL_CHARS", 4_000)
    with pytest.raises(InputError, match="5,000 characters") as caught:
        read_raw(path)
    assert (caught.value.location.row, caught.value.location.column) == (2, "A")
    monkeypatch.setattr(binary, "XLSX_MAX_PART_BYTES", 100)
    with pytest.raises(InputError, match="unpacks to"):
        read_raw(path)


def test_not_a_zip_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "fake.xlsx"
    path.write_bytes(b"id,nps\n1,9\n")
    with pytest.raises(InputError, match="not a readable workbook"):
        read_raw(path)
