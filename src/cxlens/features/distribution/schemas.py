"""Request and result shapes of distribution (pydantic)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field


class CustomerIn(BaseModel):
    """Who an event is about: found by ``ref``, created if new, contact fields updated."""

    ref: str = Field(min_length=1, max_length=200)
    email: str | None = Field(default=None, max_length=320)
    phone: str | None = Field(default=None, max_length=64)
    name: str | None = Field(default=None, max_length=300)
    locale: str | None = Field(default=None, max_length=35)
    time_zone: str | None = Field(default=None, max_length=64)


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
    send_at: list[datetime]


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
    last_sent_at: datetime | None
