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
    or ``None`` to infer it from the values; ``time_zone`` the zone the export declares its
    naive dates in (Qualtrics' ImportId row), ``None`` when it declares none.
    ``not_scores`` are columns never taken as a score however they are named (free-text
    sub-answers such as SurveyMonkey's "Other (please specify)"); ``notes`` are warnings
    about what detection did (rows excluded, lines skipped).
    """

    name: str
    id_column: str | None = None
    date_column: str | None = None
    date_format: str | None = None
    metadata: frozenset[str] = frozenset()
    labels: Mapping[str, str] = field(default_factory=dict)
    time_zone: str | None = None
    not_scores: frozenset[str] = frozenset()
    notes: tuple[str, ...] = ()

    def label(self, column: str) -> str:
        """The question text of a column (its name when the export has no separate text)."""
        return self.labels.get(column, column)


@dataclass(frozen=True)
class Detected:
    """A format and the raw table with its extra header rows removed and columns renamed."""

    format: SurveyFormat
    raw: RawTable
