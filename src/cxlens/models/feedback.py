"""Invitations, responses and their answers."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from cxlens.models.base import Base, utcnow


class Invitation(Base):
    """An invitation to answer a survey version, sent to a customer over a channel."""

    __tablename__ = "invitations"
    __table_args__ = (Index(None, "survey_version_id", "delivered_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    survey_version_id: Mapped[int] = mapped_column(ForeignKey("survey_versions.id"))
    customer_id: Mapped[int | None] = mapped_column(ForeignKey("customers.id"), index=True)
    channel: Mapped[str] = mapped_column(String(32))
    touchpoint_id: Mapped[int | None] = mapped_column(ForeignKey("touchpoints.id"))
    token: Mapped[str] = mapped_column(String(64), unique=True)
    sent_at: Mapped[datetime | None]
    delivered_at: Mapped[datetime | None]
    opened_at: Mapped[datetime | None]
    started_at: Mapped[datetime | None]
    completed_at: Mapped[datetime | None]


class Response(Base):
    """One filled-in survey.

    ``(source, response_ref)`` is unique: the id the source gave the response, or a
    content hash of the row when it gave none, so that importing a file twice adds
    nothing. ``content_hash`` is the hash of the answers as imported.

    Indexes are few on purpose (each one slows bulk imports; see migration 0002): the
    metrics scan and group in SQL rather than seek by date or dimension.
    """

    __tablename__ = "responses"
    __table_args__ = (UniqueConstraint("source", "response_ref"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    survey_version_id: Mapped[int] = mapped_column(ForeignKey("survey_versions.id"), index=True)
    invitation_id: Mapped[int | None] = mapped_column(ForeignKey("invitations.id"), index=True)
    customer_id: Mapped[int | None] = mapped_column(ForeignKey("customers.id"), index=True)
    account_id: Mapped[int | None] = mapped_column(ForeignKey("accounts.id"))
    response_ref: Mapped[str] = mapped_column(String(200))
    content_hash: Mapped[str] = mapped_column(String(64))
    source: Mapped[str] = mapped_column(String(64))
    channel: Mapped[str | None] = mapped_column(String(32))
    language: Mapped[str | None] = mapped_column(String(35))
    touchpoint_id: Mapped[int | None] = mapped_column(ForeignKey("touchpoints.id"))
    started_at: Mapped[datetime | None]
    submitted_at: Mapped[datetime | None]
    voted_at: Mapped[datetime | None]
    """When the first question was last answered from the email by a person (a vote link
    confirmed, not a scanner's burst): such a response counts before it is submitted."""
    dimensions: Mapped[dict[str, Any]] = mapped_column(default=dict)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Answer(Base):
    """The answer to one question: a number for scores, a text for everything else."""

    __tablename__ = "answers"
    __table_args__ = (UniqueConstraint("response_id", "question_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    response_id: Mapped[int] = mapped_column(ForeignKey("responses.id", ondelete="CASCADE"))
    question_id: Mapped[int] = mapped_column(ForeignKey("questions.id"), index=True)
    value: Mapped[float | None]
    text: Mapped[str | None] = mapped_column(Text)
