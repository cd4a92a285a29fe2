"""Distribution: trigger rules, events, campaigns and waves, dispatch state, contact pressure.

An :class:`InvitationDispatch` row sits beside each invitation made by distribution
(1:1, same id): how it came to be (hot trigger, cold wave, by hand), its prefill, language,
status, reminders and failure. The contact-pressure tables say who may not be contacted
(:class:`ContactSuppression`), how often anyone may be (:class:`ContactPolicy`) and why a
send did not happen (:class:`SuppressionLogEntry`).
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    CheckConstraint,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
    true,
)
from sqlalchemy.orm import Mapped, mapped_column

from cxlens.models.base import Base, utcnow
from cxlens.models.enums import check_in


class Channel(StrEnum):
    """How an invitation reaches the customer."""

    EMAIL = "email"
    SMS = "sms"
    WEB = "web"
    WIDGET = "widget"


class InvitationKind(StrEnum):
    """Hot (after an interaction), cold (a campaign wave) or made by hand."""

    HOT = "hot"
    COLD = "cold"
    MANUAL = "manual"


class DispatchStatus(StrEnum):
    """Where an invitation's sending is."""

    PENDING = "pending"
    SENT = "sent"
    SUPPRESSED = "suppressed"
    FAILED = "failed"


class SuppressionReason(StrEnum):
    """Why a customer's channel gets no more sends."""

    OPT_OUT = "opt_out"
    BOUNCE = "bounce"


class TriggerRule(Base):
    """A hot campaign: ``event`` → ``survey`` over ``channel`` after ``delay_seconds``."""

    __tablename__ = "trigger_rules"
    __table_args__ = (
        UniqueConstraint("event", "survey_id", "channel"),
        CheckConstraint(check_in("channel", [c.value for c in Channel]), name="channel"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event: Mapped[str] = mapped_column(String(100), index=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("surveys.id", ondelete="CASCADE"))
    channel: Mapped[str] = mapped_column(String(16))
    delay_seconds: Mapped[int] = mapped_column(default=0)
    touchpoint_id: Mapped[int | None] = mapped_column(ForeignKey("touchpoints.id"))
    reminder_count: Mapped[int] = mapped_column(default=0)
    reminder_interval_seconds: Mapped[int] = mapped_column(default=0)
    enabled: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class CustomerEvent(Base):
    """An event received on ``POST /api/v1/events``; ``idempotency_key`` makes it once."""

    __tablename__ = "customer_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    idempotency_key: Mapped[str] = mapped_column(String(300), unique=True)
    event: Mapped[str] = mapped_column(String(100), index=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id", ondelete="CASCADE"))
    occurred_at: Mapped[datetime]
    properties: Mapped[dict[str, Any]] = mapped_column(default=dict)
    received_at: Mapped[datetime] = mapped_column(default=utcnow)


class Campaign(Base):
    """A cold campaign: a sample of customers filtered by attributes, every so often."""

    __tablename__ = "campaigns"
    __table_args__ = (
        CheckConstraint(check_in("channel", [c.value for c in Channel]), name="channel"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("surveys.id", ondelete="CASCADE"))
    channel: Mapped[str] = mapped_column(String(16))
    touchpoint_id: Mapped[int | None] = mapped_column(ForeignKey("touchpoints.id"))
    filters: Mapped[dict[str, Any]] = mapped_column(default=dict)
    sample_size: Mapped[int | None]
    sample_fraction: Mapped[float | None]
    seed: Mapped[int] = mapped_column(default=0)
    rule: Mapped[str | None] = mapped_column(Text)
    timezone: Mapped[str] = mapped_column(String(64), default="UTC")
    schedule_id: Mapped[int | None] = mapped_column(ForeignKey("schedules.id"))
    reminder_count: Mapped[int] = mapped_column(default=0)
    reminder_interval_seconds: Mapped[int] = mapped_column(default=0)
    enabled: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class CampaignWave(Base):
    """One wave of a cold campaign: analytics compare wave to wave."""

    __tablename__ = "campaign_waves"
    __table_args__ = (
        UniqueConstraint("campaign_id", "number"),
        UniqueConstraint("campaign_id", "scheduled_for"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id", ondelete="CASCADE"))
    number: Mapped[int]
    scheduled_for: Mapped[datetime]
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    eligible: Mapped[int] = mapped_column(default=0)
    invited: Mapped[int] = mapped_column(default=0)


class InvitationDispatch(Base):
    """How an invitation is sent: origin, prefill, language, status, reminders, failure."""

    __tablename__ = "invitation_dispatches"
    __table_args__ = (
        CheckConstraint(check_in("kind", [k.value for k in InvitationKind]), name="kind"),
        CheckConstraint(check_in("status", [s.value for s in DispatchStatus]), name="status"),
        Index(None, "customer_id", "status"),
    )

    invitation_id: Mapped[int] = mapped_column(
        ForeignKey("invitations.id", ondelete="CASCADE"), primary_key=True
    )
    customer_id: Mapped[int | None] = mapped_column(ForeignKey("customers.id"))
    survey_id: Mapped[int] = mapped_column(ForeignKey("surveys.id"), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(16), default=DispatchStatus.PENDING.value)
    language: Mapped[str | None] = mapped_column(String(35))
    prefill: Mapped[dict[str, Any]] = mapped_column(default=dict)
    campaign_id: Mapped[int | None] = mapped_column(ForeignKey("campaigns.id"))
    wave_id: Mapped[int | None] = mapped_column(ForeignKey("campaign_waves.id"), index=True)
    trigger_rule_id: Mapped[int | None] = mapped_column(ForeignKey("trigger_rules.id"))
    event_id: Mapped[int | None] = mapped_column(ForeignKey("customer_events.id"))
    scheduled_for: Mapped[datetime | None]
    reminder_count: Mapped[int] = mapped_column(default=0)
    reminder_interval_seconds: Mapped[int] = mapped_column(default=0)
    reminders_sent: Mapped[int] = mapped_column(default=0)
    last_sent_at: Mapped[datetime | None]
    provider_id: Mapped[str | None] = mapped_column(String(300), index=True)
    failure_reason: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class ContactSuppression(Base):
    """No more sends to this customer on ``channel`` (``None``: on any channel).

    The one store of who may not be contacted: opt-outs (``reason`` ``opt_out``, from an
    unsubscribe link, ``List-Unsubscribe`` one-click, the API or the CLI) and bounces
    (``bounce``, with the ``address`` that bounced). An opt-out from an unsubscribe link
    keeps its ``invitation_id`` and ``method`` (``link`` = confirm page, ``one_click`` =
    RFC 8058 POST).
    """

    __tablename__ = "contact_suppressions"
    __table_args__ = (
        CheckConstraint(check_in("reason", [r.value for r in SuppressionReason]), name="reason"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(
        ForeignKey("customers.id", ondelete="CASCADE"), index=True
    )
    channel: Mapped[str | None] = mapped_column(String(16))
    address: Mapped[str | None] = mapped_column(String(320))
    reason: Mapped[str] = mapped_column(String(16))
    detail: Mapped[str | None] = mapped_column(Text)
    invitation_id: Mapped[int | None] = mapped_column(
        ForeignKey("invitations.id", ondelete="SET NULL")
    )
    method: Mapped[str | None] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class ContactPolicy(Base):
    """Contact-pressure settings: the global row (``survey_id`` NULL) or one survey's."""

    __tablename__ = "contact_policies"

    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[int | None] = mapped_column(
        ForeignKey("surveys.id", ondelete="CASCADE"), unique=True
    )
    min_days_between: Mapped[int | None]
    quiet_start_minute: Mapped[int | None]
    quiet_end_minute: Mapped[int | None]
    #: False: quiet hours switched off (the minutes are then ignored).
    quiet_hours_enabled: Mapped[bool] = mapped_column(default=True, server_default=true())
    silent_after: Mapped[int | None]
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class SuppressionLogEntry(Base):
    """A send that did not happen (``action`` suppressed) or was put off (deferred), and why."""

    __tablename__ = "suppression_log"
    __table_args__ = (Index(None, "customer_id", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int | None] = mapped_column(ForeignKey("customers.id", ondelete="CASCADE"))
    survey_id: Mapped[int | None] = mapped_column(ForeignKey("surveys.id", ondelete="CASCADE"))
    invitation_id: Mapped[int | None] = mapped_column(
        ForeignKey("invitations.id", ondelete="CASCADE")
    )
    channel: Mapped[str] = mapped_column(String(16))
    rule: Mapped[str] = mapped_column(String(32), index=True)
    action: Mapped[str] = mapped_column(String(16), default="suppressed")
    reason: Mapped[str] = mapped_column(Text)
    at: Mapped[datetime] = mapped_column(default=utcnow)


class CustomerFlag(Base):
    """A flag on a customer: ``silent`` = stopped answering (hidden dissatisfaction)."""

    __tablename__ = "customer_flags"
    __table_args__ = (UniqueConstraint("customer_id", "flag"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id", ondelete="CASCADE"))
    flag: Mapped[str] = mapped_column(String(32))
    detail: Mapped[str | None] = mapped_column(Text)
    flagged_at: Mapped[datetime] = mapped_column(default=utcnow)
