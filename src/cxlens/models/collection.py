"""Collection: incentive codes handed out on thank-you pages, vote-link clicks, answer changes.

Opt-outs live in :class:`cxlens.models.distribution.ContactSuppression` (one store).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from cxlens.models.base import Base, utcnow


class IncentiveCode(Base):
    """One reward code of a named pool; given to at most one response, for good.

    ``response_id`` is unique: a response never gets a second code, a code never goes to
    a second response.
    """

    __tablename__ = "incentive_codes"
    __table_args__ = (UniqueConstraint("pool", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    pool: Mapped[str] = mapped_column(String(100), index=True)
    code: Mapped[str] = mapped_column(String(200))
    response_id: Mapped[int | None] = mapped_column(
        ForeignKey("responses.id", ondelete="SET NULL"), unique=True
    )
    assigned_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class VoteClick(Base):
    """One confirmed click on a score link of an invitation email (``POST /v/``).

    ``outcome`` says what the click did: ``counted`` (the score was recorded), ``burst``
    (another score of the same invitation was clicked within the burst window: a link
    scanner; nothing recorded and the burst's vote reverted) or ``agent`` (a known scanner's
    user agent: nothing recorded).
    """

    __tablename__ = "vote_clicks"
    __table_args__ = (Index(None, "invitation_id", "clicked_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    invitation_id: Mapped[int] = mapped_column(ForeignKey("invitations.id", ondelete="CASCADE"))
    score: Mapped[int]
    outcome: Mapped[str] = mapped_column(String(16))
    clicked_at: Mapped[datetime] = mapped_column(default=utcnow)


class AnswerChange(Base):
    """One change to an answer of a response after it was first given: old and new value.

    ``via`` is how: ``page`` (the survey page), ``vote`` (a score link), ``widget`` (the
    on-site widget), ``logic`` (dropped because the survey's logic now hides the question)
    or ``scan`` (a scanner's vote reverted). A value is a number (scores) or a text; both
    ``None`` means no answer.
    """

    __tablename__ = "answer_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    response_id: Mapped[int] = mapped_column(
        ForeignKey("responses.id", ondelete="CASCADE"), index=True
    )
    question_id: Mapped[int] = mapped_column(ForeignKey("questions.id"))
    old_value: Mapped[float | None]
    old_text: Mapped[str | None] = mapped_column(Text)
    new_value: Mapped[float | None]
    new_text: Mapped[str | None] = mapped_column(Text)
    via: Mapped[str] = mapped_column(String(16))
    changed_at: Mapped[datetime] = mapped_column(default=utcnow)
