"""Cells that do not fit their column: reported as an error, or skipped row by row when asked.

An import is all or nothing: the first value that does not fit its column (a score outside
its scale, a date in no format the column's other values share) stops it with an error
naming the file, the row as the file counts it (the header is row 1), the column and the
expected form. With ``skip_bad_rows`` the rows holding such values are left out instead and
listed, one :class:`BadValue` per cell, so nothing is dropped or nulled silently.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from cxlens.core.errors import InputError, Location

#: Rows named in the error beside the first one.
_SHOWN = 5
#: The hint every "does not fit" error ends with.
SKIP_HINT = "fix the file, or leave such rows out with --skip-bad-rows (they are then listed)"


@dataclass(frozen=True, slots=True)
class BadValue:
    """One cell that does not fit its column, and why."""

    file: str
    row: int
    column: str
    value: str | None
    problem: str
    expected: str

    def to_json(self) -> dict[str, Any]:
        """``{"file", "row", "column", "value", "problem", "expected"}``."""
        return {
            "file": self.file,
            "row": self.row,
            "column": self.column,
            "value": self.value,
            "problem": self.problem,
            "expected": self.expected,
        }


def sort_bad(bad: Sequence[BadValue]) -> list[BadValue]:
    """Bad values in file order (row, then the order the columns were checked in)."""
    order = {id(b): i for i, b in enumerate(bad)}
    return sorted(bad, key=lambda b: (b.row, order[id(b)]))


def bad_values_error(bad: Sequence[BadValue]) -> InputError:
    """The error for a file with bad values: the first one in full, a count of the others."""
    ordered = sort_bad(bad)
    first = ordered[0]
    problem = first.problem
    others = ordered[1:]
    if others:
        rows = sorted({b.row for b in others})
        shown = ", ".join(str(r) for r in rows[:_SHOWN])
        more = f" …{len(rows) - _SHOWN} more" if len(rows) > _SHOWN else ""
        problem += f"; {len(others)} more value(s) do not fit their column (row(s) {shown}{more})"
    problem += f"; nothing was imported: {SKIP_HINT}"
    return InputError(
        problem,
        Location(file=first.file, row=first.row, column=first.column),
        expected=first.expected,
    )
