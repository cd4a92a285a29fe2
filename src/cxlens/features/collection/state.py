"""What one submission knows of a response, its answers and its invitation (read at once)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

#: An answer as stored: a number (scores) or a text (choice keys, texts).
StoredValue = float | str


@dataclass(slots=True)
class ResponseState:
    """A response as :func:`~cxlens.features.collection.submission.submit_answers` needs it.

    ``response_id`` is ``None`` while the response does not exist yet; it is then created,
    race-safe, under ``(source, response_ref)`` with ``channel`` and ``dimensions``. The
    invitation's columns are set for an invitation's response (``invitation_id``), else
    ``None``. ``answers`` maps question ids to the saved values. Plain data: no session, no
    lazy loads.
    """

    survey_version_id: int
    source: str
    response_ref: str
    channel: str
    invitation_id: int | None = None
    customer_id: int | None = None
    touchpoint_id: int | None = None
    opened_at: datetime | None = None
    started_at: datetime | None = None
    completed_at: datetime | None = None
    response_id: int | None = None
    dimensions: dict[str, Any] = field(default_factory=dict)
    response_started_at: datetime | None = None
    submitted_at: datetime | None = None
    answers: dict[int, StoredValue] = field(default_factory=dict)


#: The name of :class:`ResponseState` when it was only an invitation's.
InvitationState = ResponseState
