"""What a detected export format tells the rest of the pipeline."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from cxlens.ingest.raw import RawTable


@dataclass(frozen=True)
class SurveyFormat:
    """A recognised export layout.

    ``labels`` maps a column to its question text where the export keeps it apart from the
    column name (Qualtrics' second header row). ``metadata`` lists columns that are never
    questions (ids, dates, IP addresses, progress ...). ``date_format`` is a strptime format,
    or ``None`` to infer it from the values.
    """

    name: str
    id_column: str | None = None
    date_column: str | None = None
    date_format: str | None = None
    metadata: frozenset[str] = frozenset()
    labels: Mapping[str, str] = field(default_factory=dict)

    def label(self, column: str) -> str:
        """The question text of a column (its name when the export has no separate text)."""
        return self.labels.get(column, column)


@dataclass(frozen=True)
class Detected:
    """A format and the raw table with its extra header rows removed and columns renamed."""

    format: SurveyFormat
    raw: RawTable
