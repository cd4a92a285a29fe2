"""The closed vocabularies of the data model, stored as plain strings with CHECK constraints."""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum

from cxlens.core.vocabulary import QuestionType as QuestionType


class LifecycleKind(StrEnum):
    """Customer lifecycle events."""

    ACQUIRED = "acquired"
    RENEWED = "renewed"
    CHURNED = "churned"


def check_in(column: str, values: Iterable[str]) -> str:
    """SQL text of a CHECK constraint: ``column`` is one of ``values``."""
    quoted = ", ".join(f"'{v}'" for v in values)
    return f"{column} IN ({quoted})"
