"""Request and result shapes of distribution (pydantic).

Every moment in a result is an aware UTC datetime (:data:`cxlens.core.clock.UtcDateTime`):
SQLite hands back naive values, PostgreSQL aware ones; results look the same on both.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field, field_validator

from cxlens.core.clock import UtcDateTime
from cxlens.features.customers.schemas import CustomerIn


class EventIn(BaseModel):
    """An interaction that may trigger a hot survey (``POST /api/v1/events``)."""

    event: str = Field(min_length=1, max_length=100, examples=["order.completed"])
    customer: CustomerIn
    occurred_at: datetime | None = None
    properties: dict[str, Any] = Field(default_factory=dict)
    idempotency_key: str | None = Field(default=None, max_length=300)

    @field_validator("occurred_at", mode="before")
    @classmethod
    def _iso_text(cls, value: object) -> object:
        """An ISO 8601 string, as the schema says: a number is not read as Unix seconds."""
        if isinstance(value, int | float):
            raise ValueError("expected an ISO 8601 date-time string, e.g. 2030-01-01T10:00:00Z")
        return value


class EventResult(BaseModel):
    """What an event did: the invitations it scheduled (the same on a replay)."""

    event_id: int
    duplicate: bool
    invitation_ids: list[int]
    send_at: list[UtcDateTime]
    contact_ignored: list[str] = Field(
        default_factory=list,
        description="contact fields of the request (email, phone, name) that differ from the "
        "stored customer's and were not taken: an event never changes a known customer's "
        "contact details (empty for a new customer and on a replay)",
        examples=[["email"]],
    )


class FunnelRow(BaseModel):
    """The response funnel of one group (survey / channel / touchpoint)."""

    group: dict[str, str | None]
    invited: int
    sent: int
    delivered: int
    opened: int | None = Field(description="None where opens are not measurable (SMS)")
    started: int
    completed: int
    response_rate: float | None = Field(description="completed ÷ delivered ×100")
    ci_low: float | None
    ci_high: float | None
    low_confidence: bool


class SilentCustomer(BaseModel):
    """A customer who stopped answering (hidden dissatisfaction)."""

    customer_id: int
    customer_ref: str
    unanswered: int
    last_sent_at: UtcDateTime | None


class SilentReport(BaseModel):
    """The silent customers at a threshold (the policy's unless given)."""

    threshold: int
    customers: list[SilentCustomer]


class InvitationRow(BaseModel):
    """An invitation made by :func:`~cxlens.features.distribution.listing.invite`."""

    invitation_id: int
    customer: str
    channel: str
    status: str = Field(description="queued (sent by the worker) or live (a web link)")
    link: str | None


class TriggerRow(BaseModel):
    """A hot-campaign trigger rule."""

    id: int
    event: str
    survey: str
    channel: str
    delay_seconds: int
    touchpoint: str | None
    reminders: int
    enabled: bool


class CampaignRow(BaseModel):
    """A cold campaign, its waves so far and the next one."""

    id: int
    name: str
    survey: str
    channel: str
    rule: str | None
    filters: dict[str, Any]
    sample: int | None
    waves: int
    next_wave: UtcDateTime | None
    enabled: bool


class WaveRow(BaseModel):
    """One wave of a cold campaign."""

    number: int
    scheduled_for: UtcDateTime | None
    started_at: UtcDateTime | None
    eligible: int
    invited: int
    completed: int


class SurveyWindow(BaseModel):
    """One survey's own contact window."""

    survey: str
    days: int | None


class PolicyView(BaseModel):
    """The contact-pressure rules in force."""

    days: int
    survey_days: int
    quiet_hours: str | None = Field(description="HH:MM-HH:MM, or None when off")
    silent_after: int
    surveys: list[SurveyWindow]


class SuppressionRow(BaseModel):
    """An entry of the suppression log: a send that did not happen or was put off."""

    at: UtcDateTime
    customer: str | None
    survey: str | None
    invitation_id: int | None
    channel: str
    rule: str
    action: str
    reason: str


class BounceReply(BaseModel):
    """What one returned email (or delivery report) did: ``bounced``, ``already``,
    ``transient``, ``unmatched`` or ``not_dsn`` (for SMS: ``delivered``, ``ignored`` …)."""

    outcome: str
    invitation_id: int | None = None
    address: str | None = None
    status: str | None = None
