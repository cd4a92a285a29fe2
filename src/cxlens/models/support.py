"""Support cases, collapsed to their last state."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from cxlens.models.base import Base


class SupportCase(Base):
    """A support case (ticket): when it opened, got a first response and was resolved."""

    __tablename__ = "support_cases"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_ref: Mapped[str] = mapped_column(String(200), unique=True)
    customer_id: Mapped[int | None] = mapped_column(ForeignKey("customers.id"), index=True)
    channel: Mapped[str | None] = mapped_column(String(32))
    status: Mapped[str | None] = mapped_column(String(64))
    opened_at: Mapped[datetime | None] = mapped_column(index=True)
    first_response_at: Mapped[datetime | None]
    resolved_at: Mapped[datetime | None]
    contact_count: Mapped[int | None]
    reopened: Mapped[bool] = mapped_column(default=False)
