"""Touchpoints: the steps of the customer journey, in order. Seeded by the first migration."""

from __future__ import annotations

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from cxlens.models.base import Base

#: The default journey (key, name), in journey order; the first migration seeds these.
DEFAULT_TOUCHPOINTS: tuple[tuple[str, str], ...] = (
    ("website", "Website"),
    ("checkout", "Point of sale / checkout"),
    ("onboarding", "Onboarding"),
    ("usage", "Usage"),
    ("support", "Support"),
    ("shipping_returns", "Shipping & returns"),
    ("renewal", "Renewal / cancellation"),
)


class Touchpoint(Base):
    """A step of the journey where feedback is collected (editable)."""

    __tablename__ = "touchpoints"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    position: Mapped[int] = mapped_column(default=0)
