"""What an import reports back."""

from __future__ import annotations

from collections.abc import Callable

from pydantic import BaseModel, Field

#: Called with (rows done, rows in all) after each batch.
ProgressCallback = Callable[[int, int], None]


class ImportResult(BaseModel):
    """Counts of one import into the store.

    ``added`` new rows, ``updated`` existing rows changed (cases, customers, and responses
    imported again with other values), ``skipped_duplicates`` rows already in the store
    unchanged or repeated in the input.
    """

    kind: str
    rows: int = 0
    added: int = 0
    updated: int = 0
    skipped_duplicates: int = 0
    answers_added: int = 0
    customers_added: int = 0
    events_added: int = 0
    survey_id: int | None = None
    survey_version: int | None = None
    warnings: list[str] = Field(default_factory=list)
