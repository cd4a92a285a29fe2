"""Repair double-encoded UTF-8 ("CafÃ©" → "Café") with ftfy, only where it is unambiguous."""

from __future__ import annotations

import re

import ftfy
import pyarrow as pa
import pyarrow.compute as pc

# UTF-8 read as cp1252/latin-1: a lead byte (U+00C2-U+00DF, or U+00E2 of "â€") followed by
# a continuation byte shown as U+0080-U+00BF or as one of cp1252's 0x80-0x9F characters.
_CP1252_HIGH = bytes(range(0x80, 0xA0)).decode("cp1252", errors="ignore")
_MOJIBAKE = "[\u00c2-\u00df\u00e2][\u0080-\u00bf" + re.escape(_CP1252_HIGH) + "]"


def fix_text(value: str) -> str:
    """Undo double encoding in one string; leave it unchanged when the fix is ambiguous."""
    return str(ftfy.fix_encoding(value))


def repair_column(column: pa.ChunkedArray) -> pa.ChunkedArray:
    """Fix the cells of a string column that look double-encoded; others stay untouched."""
    suspects = pc.match_substring_regex(column, _MOJIBAKE)
    if not pc.any(suspects).as_py():
        return column
    values = column.to_pylist()
    flags = suspects.to_pylist()
    fixed = [
        fix_text(v) if flag and v is not None else v for v, flag in zip(values, flags, strict=True)
    ]
    return pa.chunked_array([pa.array(fixed, type=pa.string())])


def repair_table(table: pa.Table) -> pa.Table:
    """Apply :func:`repair_column` to every column."""
    columns = [repair_column(table.column(i)) for i in range(table.num_columns)]
    return pa.table(columns, names=table.column_names)
