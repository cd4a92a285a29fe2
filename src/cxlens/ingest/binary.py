"""Containers that carry their own structure: XLSX (calamine), Parquet, JSON lines.

A workbook is a zip of XML parts, and a small one can stand for a huge sheet: one cell at
XFD1048576 (a 16,384 × 1,048,576 grid once padded from A1), or a shared string of
hundreds of megabytes compressed a thousand times. :func:`check_xlsx` looks at the zip
before calamine reads it (declared and actual sheet extent, uncompressed sizes,
compression ratio) and refuses what is over the limits below, with a clear error; they
are listed in docs/imports.md.
"""

from __future__ import annotations

import datetime as dt
import re
import zipfile
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
from python_calamine import CalamineWorkbook

from cxlens.core.errors import InputError, Location

_NESTED = ("STRUCT", "MAP", "JSON", "UNION")

#: Rows of a worksheet (Excel's own limit).
XLSX_MAX_ROWS = 1_048_576
#: Columns of a worksheet (Excel allows 16,384; survey exports have a few hundred).
XLSX_MAX_COLUMNS = 2_000
#: Cells of a worksheet's grid, rows × columns from A1 to its last cell (each becomes a
#: Python object: larger files are better read as CSV or Parquet).
XLSX_MAX_CELLS = 20_000_000
#: Characters in one cell (Excel's own limit is 32,767).
XLSX_MAX_CELL_CHARS = 1_000_000
#: Uncompressed bytes of one part of the zip (a sheet, the shared strings).
XLSX_MAX_PART_BYTES = 1024**3
#: Uncompressed bytes of all parts together.
XLSX_MAX_TOTAL_BYTES = 2 * 1024**3
#: Uncompressed ÷ compressed size of a part larger than :data:`_RATIO_FLOOR` bytes.
XLSX_MAX_EXPANSION_RATIO = 200
_RATIO_FLOOR = 1024**2
_SHEET = re.compile(r"^xl/worksheets/[^/]+\.xml$")
_DIMENSION = re.compile(rb'<(?:\w+:)?dimension\s+ref="([A-Z]+[0-9]+:)?([A-Z]+)([0-9]+)"')
_CELL_REF = re.compile(rb'<(?:\w+:)?c\s[^>]*?\br="([A-Z]{1,4})([0-9]{1,8})"')
_ROW_REF = re.compile(rb'<(?:\w+:)?row\s[^>]*?\br="([0-9]{1,8})"')
_CHUNK = 4 * 1024**2


def _column_number(letters: bytes) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + letter - 64
    return number


def _refuse(source: str, problem: str, expected: str) -> InputError:
    return InputError(problem, Location(file=source), expected=expected)


def check_xlsx(path: Path, source: str) -> None:
    """Refuse a workbook over the limits before any of it is read into memory.

    Checks every part's uncompressed size and compression ratio, each worksheet's declared
    dimension, and the cell references the sheet actually holds (read as a stream).
    """
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as exc:
        raise _refuse(source, f"not a readable workbook: {exc}", "an XLSX file") from None
    with archive:
        infos = archive.infolist()
        total = sum(i.file_size for i in infos)
        if total > XLSX_MAX_TOTAL_BYTES:
            raise _refuse(
                source,
                f"the workbook unpacks to {total:,} bytes",
                f"at most {XLSX_MAX_TOTAL_BYTES:,} bytes uncompressed",
            )
        for info in infos:
            _check_part(info, source)
        for info in infos:
            if _SHEET.match(info.filename):
                _check_sheet(archive, info, source)


def _check_part(info: zipfile.ZipInfo, source: str) -> None:
    if info.file_size > XLSX_MAX_PART_BYTES:
        raise _refuse(
            source,
            f"part {info.filename} of the workbook unpacks to {info.file_size:,} bytes",
            f"at most {XLSX_MAX_PART_BYTES:,} bytes per part",
        )
    ratio = info.file_size / max(info.compress_size, 1)
    if info.file_size > _RATIO_FLOOR and ratio > XLSX_MAX_EXPANSION_RATIO:
        raise _refuse(
            source,
            f"part {info.filename} of the workbook expands {ratio:,.0f} times"
            f" ({info.compress_size:,} to {info.file_size:,} bytes), as a zip bomb does",
            f"at most {XLSX_MAX_EXPANSION_RATIO} times",
        )


def _check_extent(source: str, sheet: str, rows: int, columns: int, how: str) -> None:
    expected = (
        f"at most {XLSX_MAX_ROWS:,} rows, {XLSX_MAX_COLUMNS:,} columns and"
        f" {XLSX_MAX_CELLS:,} cells from A1 to the last cell"
    )
    if rows > XLSX_MAX_ROWS or columns > XLSX_MAX_COLUMNS or rows * columns > XLSX_MAX_CELLS:
        raise _refuse(
            source,
            f"sheet {sheet} {how} {rows:,} rows × {columns:,} columns",
            expected,
        )


def _check_sheet(archive: zipfile.ZipFile, info: zipfile.ZipInfo, source: str) -> None:
    """The declared dimension, then the last row and column of the cells themselves."""
    name = info.filename.rsplit("/", 1)[-1].removesuffix(".xml")
    max_row = max_col = 0
    tail = b""
    declared = False
    with archive.open(info) as stream:
        while chunk := stream.read(_CHUNK):
            text = tail + chunk
            if not declared:
                found = _DIMENSION.search(text)
                if found is not None:
                    declared = True
                    rows, cols = int(found.group(3)), _column_number(found.group(2))
                    _check_extent(source, name, rows, cols, "declares")
            for match in _CELL_REF.finditer(text):
                max_col = max(max_col, _column_number(match.group(1)))
                max_row = max(max_row, int(match.group(2)))
            for match in _ROW_REF.finditer(text):
                max_row = max(max_row, int(match.group(1)))
            _check_extent(source, name, max_row, max_col, "holds cells up to")
            cut = text.rfind(b"<")
            tail = text[cut:] if cut >= 0 and len(text) - cut < 4096 else b""


def read_xlsx_rows(path: Path, source: str) -> list[list[str | None]]:
    """Every row of the first non-empty sheet, cells as strings (``None`` when empty).

    The workbook is checked against the limits first (:func:`check_xlsx`).
    """
    check_xlsx(path, source)
    try:
        workbook = CalamineWorkbook.from_path(str(path))
        for name in workbook.sheet_names:
            rows = workbook.get_sheet_by_name(name).to_python(skip_empty_area=False)
            cells = [[_cell_text(v) for v in row] for row in rows]
            _check_cell_sizes(cells, source)
            cells = [row for row in cells if any(v is not None for v in row)]
            if cells:
                return cells
    except InputError:
        raise
    except Exception as exc:  # calamine raises its own error types for broken workbooks
        raise InputError(
            f"not a readable workbook: {exc}", Location(file=source), expected="an XLSX file"
        ) from None
    raise InputError("the workbook has no non-empty sheet", Location(file=source))


def _check_cell_sizes(rows: list[list[str | None]], source: str) -> None:
    for r, row in enumerate(rows, start=1):
        for c, cell in enumerate(row):
            if cell is not None and len(cell) > XLSX_MAX_CELL_CHARS:
                raise InputError(
                    f"a cell holds {len(cell):,} characters",
                    Location(file=source, row=r, column=_column_name(c)),
                    expected=f"at most {XLSX_MAX_CELL_CHARS:,} characters per cell",
                )


def _column_name(index: int) -> str:
    """Spreadsheet letters of a 0-based column index (0 → A, 26 → AA)."""
    name = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        name = chr(65 + rest) + name
    return name


def _cell_text(value: Any) -> str | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    if isinstance(value, dt.timedelta):
        return str(value)
    return str(value)


def read_parquet_table(path: Path, source: str) -> pa.Table:
    """A Parquet file with every column cast to string."""
    try:
        table = pq.read_table(path)
    except Exception as exc:  # pyarrow raises ArrowInvalid/OSError for broken files
        raise InputError(
            f"not a readable Parquet file: {exc}", Location(file=source), expected="Parquet"
        ) from None
    return pa.table(
        [_as_string(table.column(i)) for i in range(table.num_columns)],
        names=[str(n) for n in table.column_names],
    )


def _as_string(column: pa.ChunkedArray) -> pa.ChunkedArray:
    if pa.types.is_string(column.type):
        return column
    if pa.types.is_large_string(column.type) or pa.types.is_dictionary(column.type):
        return pc.cast(column, pa.string())
    try:
        return pc.cast(column, pa.string())
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        return pa.chunked_array(
            [pa.array([None if v is None else str(v) for v in column.to_pylist()], pa.string())]
        )


def read_json_table(utf8_path: Path, source: str) -> pa.Table:
    """JSON lines (or a JSON array of objects) with every column as string; nested → JSON."""
    con = duckdb.connect()
    try:
        relation = con.sql(
            "SELECT * FROM read_json(?, format = 'auto', maximum_object_size = 67108864)",
            params=[str(utf8_path)],
        )
        selects = []
        for name, dtype in zip(relation.columns, relation.dtypes, strict=True):
            quoted = '"' + name.replace('"', '""') + '"'
            kind = str(dtype).upper()
            if kind.startswith(_NESTED) or kind.endswith("]"):
                selects.append(f"CAST(to_json({quoted}) AS VARCHAR) AS {quoted}")
            else:
                selects.append(f"CAST({quoted} AS VARCHAR) AS {quoted}")
        table = relation.project(", ".join(selects)).to_arrow_table()
    except duckdb.Error as exc:
        first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise InputError(
            f"not readable as JSON lines: {first[:300]}",
            Location(file=source),
            expected="one JSON object per line",
        ) from None
    finally:
        con.close()
    return pa.table(
        [_as_string(table.column(i)) for i in range(table.num_columns)],
        names=table.column_names,
    )
