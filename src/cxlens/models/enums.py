"""The closed vocabularies of the data model, stored as plain strings with CHECK constraints."""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum


class QuestionType(StrEnum):
    """What a survey question asks and which metric it feeds."""

    NPS = "nps"
    CSAT = "csat"
    CES = "ces"
    CXI_EFFECTIVENESS = "cxi_effectiveness"
    CXI_EASE = "cxi_ease"
    CXI_EMOTION = "cxi_emotion"
    RATING = "rating"
    LIKERT = "likert"
    SINGLE_CHOICE = "single_choice"
    MULTI_CHOICE = "multi_choice"
    TEXT = "text"
    DEMOGRAPHIC = "demographic"


class LifecycleKind(StrEnum):
    """Customer lifecycle events."""

    ACQUIRED = "acquired"
    RENEWED = "renewed"
    CHURNED = "churned"


def check_in(column: str, values: Iterable[str]) -> str:
    """SQL text of a CHECK constraint: ``column`` is one of ``values``."""
    quoted = ", ".join(f"'{v}'" for v in values)
    return f"{column} IN ({quoted})"
