"""Containers that carry their own structure: XLSX (calamine), Parquet, JSON lines."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
from python_calamine import CalamineWorkbook

from cxlens.core.errors import InputError, Location

_NESTED = ("STRUCT", "MAP", "JSON", "UNION")


def read_xlsx_rows(path: Path, source: str) -> list[list[str | None]]:
    """Every row of the first non-empty sheet, cells as strings (``None`` when empty)."""
    try:
        workbook = CalamineWorkbook.from_path(str(path))
        for name in workbook.sheet_names:
            rows = workbook.get_sheet_by_name(name).to_python(skip_empty_area=False)
            cells = [[_cell_text(v) for v in row] for row in rows]
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
