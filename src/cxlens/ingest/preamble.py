"""Title lines above the header ("Customer survey – export of 1 March"), as some tools write.

A leading record with at most one non-empty cell, followed (after at most a few such
records) by a record with a name in every column and at least as wide as the rows below it,
is a title: it is skipped with a note.
A narrower first record that is not unambiguously a title is an error that says so.
"""

from __future__ import annotations

from collections.abc import Sequence

from cxlens.core.errors import InputError, Location
from cxlens.ingest.delimited import header_width

#: How many title or blank records may stand above the header.
MAX_TITLE_LINES = 5


def _filled(record: Sequence[str | None]) -> int:
    return sum(1 for cell in record if cell is not None and cell.strip())


def title_lines(records: Sequence[Sequence[str | None]], columns: int, source: str) -> int:
    """How many title records precede the header among the first ``records``.

    ``columns`` is the number of fields of the widest record. Returns 0 when the first
    record looks like a header. Raises :class:`InputError` when the first record looks
    like a title but no header row can be told apart below it.
    """
    if columns < 2 or not records or _filled(records[0]) > 1:
        return 0
    for index, record in enumerate(records[: MAX_TITLE_LINES + 1]):
        if _filled(record) <= 1:
            continue
        width = header_width(list(record))
        below = [header_width(list(r)) for r in records[index + 1 : index + 4]]
        if _filled(record) == width and below and max(below) <= width:
            return index
        break
    title = next((c for c in records[0] if c is not None and c.strip()), "")
    raise InputError(
        f"the first line looks like a title ({title.strip()[:80]!r}), not a header row: it has"
        f" one field and the rows below have {columns}",
        Location(file=source, row=1),
        expected="the column names on the first line: delete the line(s) above the header row",
    )


def narrow_header_error(source: str, header_fields: int, next_fields: int) -> InputError:
    """The error for a first line with fewer fields than the rows below it."""
    return InputError(
        f"the first line has {header_fields} fields but the rows below have {next_fields}:"
        " if it is a title, it is not the header row",
        Location(file=source, row=1),
        expected="the column names on the first line: delete the line(s) above the header row",
    )
