"""Delimited text (CSV/TSV) through DuckDB's CSV reader: sniffed, all columns as strings."""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.compute as pc

from cxlens.core.errors import InputError, Location

#: The longest line (one record, quoted newlines included) we read; a larger cell is an error.
MAX_LINE_BYTES = 64 * 1024 * 1024
_LINE_RE = re.compile(r"Line:\s*(\d+)")
_FOUND_RE = re.compile(r"Expected Number of Columns:\s*\d+\s*Found:\s*(\d+)")
_DELIMITERS = (",", ";", "\t", "|")


@dataclass(frozen=True, slots=True)
class Delimited:
    """Every record of a delimited file (the header included), as string columns."""

    rows: pa.Table
    delimiter: str
    skipped: int = 0  # preamble lines before the header
    header_fields: int = 0  # fields in the header record, trailing empty ones included


def read_delimited(utf8_path: Path, source: str, delimiter: str | None) -> Delimited:
    """Read a UTF-8 delimited file with no header interpretation; sniff the dialect.

    DuckDB's sniffer picks the delimiter, the quoting and the number of columns; the file is
    then read with that dialect, short rows padded with nulls and all columns as strings.
    """
    con = duckdb.connect()
    try:
        dialect = _sniff(con, utf8_path, source, delimiter)
        columns = "{" + ", ".join(f"'column{i}': 'VARCHAR'" for i in range(dialect.columns)) + "}"
        query = (
            "SELECT * FROM read_csv(?, auto_detect = false, delim = ?, quote = ?, escape = ?,"
            f" skip = {dialect.skip}, header = false, columns = {columns}, null_padding = true,"
            f" parallel = false, comment = '', max_line_size = {MAX_LINE_BYTES})"
        )
        params = [str(utf8_path), dialect.delimiter, dialect.quote, dialect.escape]
        try:
            rows = con.sql(query, params=params).to_arrow_table()
        except duckdb.Error as exc:
            raise _input_error(exc, source, dialect.columns) from None
    finally:
        con.close()
    fields = _header_fields(utf8_path, dialect)
    return Delimited(rows, dialect.delimiter, dialect.skip, fields)


def _header_fields(path: Path, dialect: _Dialect) -> int:
    """Count the fields of the header record (one record, read with the stdlib csv module)."""
    with path.open(encoding="utf-8-sig", newline="") as f:
        for _ in range(dialect.skip):
            f.readline()
        reader = csv.reader(f, delimiter=dialect.delimiter, quotechar=dialect.quote)
        try:
            return len(next(reader))
        except (StopIteration, csv.Error):
            return dialect.columns


@dataclass(frozen=True, slots=True)
class _Dialect:
    delimiter: str
    quote: str
    escape: str
    skip: int
    columns: int


def _sniff(
    con: duckdb.DuckDBPyConnection, path: Path, source: str, delimiter: str | None
) -> _Dialect:
    options = ", delim = ?" if delimiter else ""
    params: list[str] = [str(path)] + ([delimiter] if delimiter else [])
    try:
        found = con.sql(
            "SELECT Delimiter, Quote, Escape, SkipRows, len(Columns) FROM sniff_csv(?,"
            f" header = false, null_padding = true, comment = ''{options},"
            f" max_line_size = {MAX_LINE_BYTES})",
            params=params,
        ).fetchall()
    except duckdb.Error as exc:
        raise _input_error(exc, source, None) from None
    if not found:
        raise InputError("cannot detect the table layout", Location(file=source))
    delim, quote, escape, skip, columns = found[0]
    delim = str(delim) if str(delim) in _DELIMITERS else ","
    quote = '"' if quote in (None, "", "(empty)") else str(quote)
    escape = quote if escape in (None, "", "(empty)") else str(escape)
    return _Dialect(delim, quote, escape, int(skip or 0), int(columns or 1))


def _input_error(exc: duckdb.Error, source: str, columns: int | None) -> InputError:
    text = str(exc)[:4000]
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    row_match = _LINE_RE.search(text)
    row = int(row_match.group(1)) if row_match else None
    found = _FOUND_RE.search(text)
    if found and columns is not None:
        return InputError(
            f"row has more fields than the header ({columns})",
            Location(file=source, row=row),
            expected=f"at most {columns} fields per row",
        )
    if "maximum line size" in text.lower() and "line size of" in text.lower():
        return InputError(
            f"a record is larger than the limit of {MAX_LINE_BYTES // (1024 * 1024)} MiB",
            Location(file=source, row=row),
            expected="cells below the size limit",
        )
    first = lines[0].split(":", 1)[-1].strip() if lines else type(exc).__name__
    detail = next((m for m in lines[1:] if not m.startswith(("Original Line", "*"))), "")
    message = f"cannot parse the file as delimited text: {first}"
    if detail:
        message += f" ({detail[:200]})"
    return InputError(message, Location(file=source, row=row), expected="a CSV/TSV table")


def header_width(first_row: list[str | None]) -> int:
    """Number of header fields: up to the last non-empty header cell."""
    width = len(first_row)
    while width > 0 and first_row[width - 1] in (None, ""):
        width -= 1
    return width


def check_extra_fields(rows: pa.Table, width: int, source: str, offset: int = 0) -> pa.Table:
    """Raise on the first record with a value beyond the header; drop the empty extras.

    ``offset`` is the number of file rows above ``rows`` (skipped title lines).
    """
    if rows.num_columns <= width:
        return rows
    extra = rows.select(list(range(width, rows.num_columns)))
    any_value = pc.is_valid(extra.column(0))
    for col in extra.columns[1:]:
        any_value = pc.or_(any_value, pc.is_valid(col))
    hits = pc.indices_nonzero(any_value)
    if len(hits):
        index = int(hits[0].as_py())
        record = rows.slice(index, 1).to_pylist()[0]
        values = list(record.values())
        fields = max(i + 1 for i, v in enumerate(values) if v is not None)
        raise InputError(
            f"row has more fields ({fields}) than the header ({width})",
            Location(file=source, row=offset + index + 1),
            expected=f"at most {width} fields per row",
        )
    return rows.select(list(range(width)))
