"""The job queue (outbox), the delivery ledger and periodic schedules (``cxlens.jobs``)."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import CheckConstraint, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from cxlens.models.base import Base, utcnow
from cxlens.models.enums import check_in


class JobStatus(StrEnum):
    """Where a job is in its life.

    queued → running → done; a failure goes back to queued (retry), to ``dead`` after the
    last attempt, or to ``failed`` at once for a permanent error. A queued job that is no
    longer wanted (a reminder of a completed invitation) is ``cancelled`` and never runs.
    """

    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"
    DEAD = "dead"
    CANCELLED = "cancelled"


class DeliveryState(StrEnum):
    """A side effect in the ledger: being sent (outcome unknown) or known to be sent."""

    SENDING = "sending"
    SENT = "sent"


class Job(Base):
    """A unit of background work, written in the transaction of the change that causes it."""

    __tablename__ = "jobs"
    __table_args__ = (
        CheckConstraint(check_in("status", [s.value for s in JobStatus]), name="status"),
        Index(None, "status", "run_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(100))
    payload: Mapped[dict[str, Any]] = mapped_column(default=dict)
    status: Mapped[str] = mapped_column(String(16), default=JobStatus.QUEUED.value)
    run_at: Mapped[datetime] = mapped_column(default=utcnow)
    attempts: Mapped[int] = mapped_column(default=0)
    max_attempts: Mapped[int] = mapped_column(default=8)
    idempotency_key: Mapped[str | None] = mapped_column(String(300), unique=True)
    locked_by: Mapped[str | None] = mapped_column(String(200))
    locked_until: Mapped[datetime | None]
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[datetime | None]


class Delivery(Base):
    """The ledger of side effects (emails, SMS, webhooks), keyed by an idempotency key."""

    __tablename__ = "deliveries"
    __table_args__ = (
        CheckConstraint(check_in("state", [s.value for s in DeliveryState]), name="state"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(300), unique=True)
    state: Mapped[str] = mapped_column(String(16), default=DeliveryState.SENT.value)
    message_id: Mapped[str | None] = mapped_column(String(300))
    attempts: Mapped[int] = mapped_column(default=1)
    job_id: Mapped[int | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    sent_at: Mapped[datetime | None]


class Schedule(Base):
    """A periodic job: an RFC 5545 recurrence rule and the next occurrence to enqueue."""

    __tablename__ = "schedules"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    kind: Mapped[str] = mapped_column(String(100))
    payload: Mapped[dict[str, Any]] = mapped_column(default=dict)
    rule: Mapped[str] = mapped_column(Text)
    timezone: Mapped[str] = mapped_column(String(64), default="UTC")
    dtstart: Mapped[datetime]
    next_run_at: Mapped[datetime | None] = mapped_column(index=True)
    enabled: Mapped[bool] = mapped_column(default=True)
    last_enqueued_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
