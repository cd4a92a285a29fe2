"""Read any supported file into a :class:`RawTable`: every cell a string, nothing interpreted.

This is the contract the format detection, the mapping and the other importers (support
cases, customers, referrals, reviews) build on. Rows are numbered as a spreadsheet shows
them: the header is row 1, so table row ``i`` is file row ``first_data_row + i``.
"""

from __future__ import annotations

import dataclasses
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa

from cxlens.core.errors import InputError, Location
from cxlens.ingest.binary import read_json_table, read_parquet_table, read_xlsx_rows
from cxlens.ingest.delimited import check_extra_fields, header_width, read_delimited
from cxlens.ingest.encoding import detect_encoding, transcode_to_utf8
from cxlens.ingest.names import unique_names
from cxlens.ingest.preamble import MAX_TITLE_LINES, narrow_header_error, title_lines
from cxlens.ingest.repair import fix_text, repair_table

CONTAINERS: dict[str, str] = {
    ".csv": "csv",
    ".txt": "csv",
    ".tsv": "tsv",
    ".tab": "tsv",
    ".xlsx": "xlsx",
    ".xlsm": "xlsx",
    ".parquet": "parquet",
    ".pq": "parquet",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".json": "jsonl",
}
_HEADER_ROWS = 3
_UTF8 = ("utf-8", "utf-8-sig")


@dataclass(frozen=True)
class RawTable:
    """A table as found in a file, before any interpretation.

    ``header`` holds the de-duplicated column names from the first row; ``header_rows`` the
    first rows of the file (up to three for text and workbook files, the header included)
    so format detection can recognise multi-row headers (Qualtrics, SurveyMonkey).
    ``table`` holds every row after the first one, all columns strings, empty cells null
    (missing markers such as ``NA`` are *not* applied yet). ``first_data_row`` is the
    1-based file row of ``table`` row 0; ``row_numbers``, when rows were removed (format
    detection drops preview and spam responses), the file row of every table row.
    ``notes`` are warnings about how the file was read (a title line skipped).
    """

    source: str
    container: str
    encoding: str | None
    delimiter: str | None
    header: list[str]
    header_rows: list[list[str]]
    table: pa.Table
    first_data_row: int
    row_numbers: pa.Array | None = None
    notes: tuple[str, ...] = ()

    def file_row(self, index: int) -> int:
        """The 1-based file row of table row ``index``."""
        if self.row_numbers is not None:
            return int(self.row_numbers[index].as_py())
        return self.first_data_row + index

    def keep_rows(self, mask: pa.Array) -> RawTable:
        """The same table with only the rows where ``mask`` is true (file rows kept)."""
        numbers = self.row_numbers
        if numbers is None:
            numbers = pa.array(range(self.first_data_row, self.first_data_row + len(mask)))
        return dataclasses.replace(
            self, table=self.table.filter(mask), row_numbers=numbers.filter(mask)
        )

    def drop_leading_rows(self, count: int) -> RawTable:
        """The same table without its first ``count`` data rows (extra header rows)."""
        if count <= 0:
            return self
        count = min(count, self.table.num_rows)
        numbers = self.row_numbers
        return dataclasses.replace(
            self,
            table=self.table.slice(count),
            first_data_row=self.first_data_row + count,
            row_numbers=None if numbers is None else numbers.slice(count),
        )


def read_raw(path: Path | str) -> RawTable:
    """Read a CSV/TSV/XLSX/Parquet/JSON-lines file into a :class:`RawTable`.

    Raises :class:`InputError` naming the file (and the row where it applies) for a missing,
    empty, header-only, binary or malformed file and for an unsupported extension.
    """
    source = str(path)
    file = Path(path)
    container = CONTAINERS.get(file.suffix.lower())
    if container is None:
        raise InputError(
            f"unsupported file type {file.suffix or '(no extension)'!r}",
            Location(file=source),
            expected="one of " + ", ".join(sorted(CONTAINERS)),
        )
    if not file.is_file():
        raise InputError("no such file", Location(file=source), expected="an existing file")
    if file.stat().st_size == 0:
        raise InputError("the file is empty", Location(file=source), expected="a header row")
    if container == "xlsx":
        return _from_rows(source, container, read_xlsx_rows(file, source))
    if container == "parquet":
        return _from_columns(source, container, None, read_parquet_table(file, source))
    encoding = detect_encoding(file, source)
    with tempfile.TemporaryDirectory(prefix="cxlens-") as tmp:
        utf8 = file if encoding in _UTF8 else transcode_to_utf8(file, encoding, tmp)
        if container == "jsonl":
            return _from_columns(source, container, encoding, read_json_table(utf8, source))
        delimited = read_delimited(utf8, source, "\t" if container == "tsv" else None)
    kind = "tsv" if delimited.delimiter == "\t" else "csv"
    return _from_record_table(
        source,
        kind,
        encoding,
        delimited.delimiter,
        delimited.rows,
        delimited.header_fields,
        delimited.skipped,
    )


def _from_record_table(
    source: str,
    container: str,
    encoding: str | None,
    delimiter: str | None,
    rows: pa.Table,
    fields: int = 0,
    skipped: int = 0,
) -> RawTable:
    if rows.num_rows == 0:
        raise InputError("the file is empty", Location(file=source), expected="a header row")
    head = rows.slice(0, min(MAX_TITLE_LINES + 2, rows.num_rows)).to_pylist()
    records = [list(r.values()) for r in head]
    titles = title_lines(records, rows.num_columns, source)
    notes: tuple[str, ...] = ()
    if titles:
        shown = "; ".join(repr(c.strip()) for r in records[:titles] for c in r if c and c.strip())
        notes = (f"skipped {titles} line(s) above the header that look like a title: {shown}",)
        rows = rows.slice(titles)
        records = records[titles:]
        fields = 0
    offset = skipped + titles
    first_cells = records[:_HEADER_ROWS]
    if header_width(first_cells[0]) == 0:
        raise InputError(
            "the first row is empty", Location(file=source, row=1), expected="a header row"
        )
    width = fields or _width(first_cells, container)
    below = [header_width(r) for r in first_cells[1:3]]
    if below and min(below) > width and fields:
        raise narrow_header_error(source, width, min(below))
    rows = check_extra_fields(rows, width, source, offset)
    header_rows = [[fix_text(v) if v else "" for v in r[:width]] for r in first_cells]
    header_rows = [r + [""] * (width - len(r)) for r in header_rows]
    data = rows.slice(1)
    if data.num_rows == 0:
        raise InputError(
            "the file has a header but no data rows", Location(file=source), expected="data rows"
        )
    header = unique_names(header_rows[0])
    table = repair_table(pa.table(data.columns, names=header))
    return RawTable(
        source,
        container,
        encoding,
        delimiter,
        header,
        header_rows,
        table,
        offset + 2,
        notes=notes,
    )


def _width(first: list[list[str | None]], container: str) -> int:
    """Header fields of a workbook (or a record table without a field count).

    A sheet row carries no trailing empty cells of its own, so a two-row header
    (SurveyMonkey: empty cells above sub-answers, none under the id) takes its width from
    the second row.
    """
    width = header_width(first[0])
    if container != "xlsx" or len(first) < 2:
        return width
    gap = any(cell in (None, "") for cell in first[0][:width])
    if gap or first[1][0] in (None, ""):
        return max(width, header_width(first[1]))
    return width


def _from_rows(source: str, container: str, rows: list[list[str | None]]) -> RawTable:
    width = max((len(r) for r in rows), default=0)
    padded = [r + [None] * (width - len(r)) for r in rows]
    columns = [pa.array([r[i] for r in padded], pa.string()) for i in range(width)]
    table = pa.table(columns, names=[f"column{i}" for i in range(width)])
    return _from_record_table(source, container, None, None, table)


def _from_columns(source: str, container: str, encoding: str | None, table: pa.Table) -> RawTable:
    if table.num_columns == 0 or table.num_rows == 0:
        raise InputError("the file has no data rows", Location(file=source), expected="data rows")
    header = unique_names([fix_text(n) for n in table.column_names])
    table = repair_table(pa.table(table.columns, names=header))
    return RawTable(source, container, encoding, None, header, [list(header)], table, 2)
