"""Request and result shapes of distribution (pydantic).

Every moment in a result is an aware UTC datetime (:data:`UtcDateTime`): SQLite hands back
naive values, PostgreSQL aware ones; results look the same on both.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, Field, field_validator

from cxlens.core.phones import PhoneError, to_e164


def as_utc(moment: datetime) -> datetime:
    """``moment`` as an aware UTC datetime (a naive one is taken to be UTC, as stored)."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


#: A moment in a result: always aware, in UTC.
UtcDateTime = Annotated[datetime, AfterValidator(as_utc)]


class CustomerIn(BaseModel):
    """Who an event is about: found by ``ref``, created if new, contact fields updated."""

    ref: str = Field(min_length=1, max_length=200)
    email: str | None = Field(default=None, max_length=320)
    phone: str | None = Field(default=None, max_length=64)
    name: str | None = Field(default=None, max_length=300)
    locale: str | None = Field(default=None, max_length=35)
    time_zone: str | None = Field(default=None, max_length=64)

    @field_validator("phone")
    @classmethod
    def _e164(cls, value: str | None) -> str | None:
        """A phone in international form, stored in E.164 (``+31 6 …`` → ``+316…``)."""
        if value is None or not value.strip():
            return None
        try:
            return to_e164(value)
        except PhoneError as exc:
            raise ValueError(
                f"{value!r} is not a valid phone number in international form (+country "
                f"code and number): {exc}"
            ) from exc


class EventIn(BaseModel):
    """An interaction that may trigger a hot survey (``POST /api/v1/events``)."""

    event: str = Field(min_length=1, max_length=100, examples=["order.completed"])
    customer: CustomerIn
    occurred_at: datetime | None = None
    properties: dict[str, Any] = Field(default_factory=dict)
    idempotency_key: str | None = Field(default=None, max_length=300)


class EventResult(BaseModel):
    """What an event did: the invitations it scheduled (the same on a replay)."""

    event_id: int
    duplicate: bool
    invitation_ids: list[int]
    send_at: list[UtcDateTime]


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
