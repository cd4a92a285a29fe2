"""Collection: incentive codes handed out on thank-you pages.

Opt-outs live in :class:`cxlens.models.distribution.ContactSuppression` (one store).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, UniqueConstraint
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
