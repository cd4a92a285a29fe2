"""What one request knows of an invitation, its response and answers (read in one query)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

#: An answer as stored: a number (scores) or a text (choice keys, texts).
StoredValue = float | str


@dataclass(slots=True)
class InvitationState:
    """An invitation's columns the survey page needs, with its one response (if any).

    ``answers`` maps question ids to the saved values. Plain data: no session, no lazy loads.
    """

    invitation_id: int
    survey_version_id: int
    customer_id: int | None
    channel: str
    touchpoint_id: int | None
    opened_at: datetime | None
    started_at: datetime | None
    completed_at: datetime | None
    response_id: int | None = None
    dimensions: dict[str, Any] = field(default_factory=dict)
    response_started_at: datetime | None = None
    submitted_at: datetime | None = None
    answers: dict[int, StoredValue] = field(default_factory=dict)
