"""Errors that cxlens raises on purpose.

Every error a user can cause says *what* was wrong and *where*: the file, the row (1-based,
as a spreadsheet shows it), the column and the field, and what was expected instead.
"""

from __future__ import annotations

from dataclasses import dataclass, field


class CxlensError(Exception):
    """Base class of every error cxlens raises on purpose."""


@dataclass(frozen=True, slots=True)
class Location:
    """Where in an input the problem is. Any part may be unknown (``None``)."""

    file: str | None = None
    row: int | None = None
    column: str | None = None
    field: str | None = None

    def __str__(self) -> str:
        parts: list[str] = []
        if self.file is not None:
            parts.append(self.file)
        if self.row is not None:
            parts.append(f"row {self.row}")
        if self.column is not None:
            parts.append(f"column {self.column!r}")
        if self.field is not None:
            parts.append(f"field {self.field!r}")
        return ", ".join(parts)


@dataclass(eq=False)
class InputError(CxlensError):
    """Bad input: a file, a row or a value that cxlens cannot use.

    ``problem`` says what is wrong, ``expected`` what would have been right.
    """

    problem: str
    location: Location = field(default_factory=Location)
    expected: str | None = None

    def __post_init__(self) -> None:
        super().__init__(str(self))

    def __str__(self) -> str:
        where = str(self.location)
        text = f"{where}: {self.problem}" if where else self.problem
        if self.expected:
            text += f" (expected {self.expected})"
        return text


class ConfigurationError(CxlensError):
    """A setting or an option that cannot work (bad database URL, unknown metric ...)."""


class NotFoundError(CxlensError):
    """A thing asked for by id or name does not exist."""
