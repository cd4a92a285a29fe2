"""Accounts, customers with their ideal-customer-profile attributes, lifecycle and referrals."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from cxlens.models.base import Base, utcnow
from cxlens.models.enums import LifecycleKind, check_in

#: Customer columns that metrics can be sliced by.
CUSTOMER_ATTRIBUTES: tuple[str, ...] = (
    "age_band",
    "gender",
    "industry",
    "company_size",
    "plan",
    "region",
    "locale",
    "time_zone",
)


class Account(Base):
    """A B2B company with several respondents; metrics roll up by account."""

    __tablename__ = "accounts"

    id: Mapped[int] = mapped_column(primary_key=True)
    account_ref: Mapped[str] = mapped_column(String(200), unique=True)
    name: Mapped[str | None] = mapped_column(String(300))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Customer(Base):
    """A person (or a B2B contact) we collect feedback from."""

    __tablename__ = "customers"

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_ref: Mapped[str] = mapped_column(String(200), unique=True)
    account_id: Mapped[int | None] = mapped_column(ForeignKey("accounts.id"), index=True)
    email: Mapped[str | None] = mapped_column(String(320))
    phone: Mapped[str | None] = mapped_column(String(64))
    name: Mapped[str | None] = mapped_column(String(300))
    locale: Mapped[str | None] = mapped_column(String(35))
    time_zone: Mapped[str | None] = mapped_column(String(64))
    age_band: Mapped[str | None] = mapped_column(String(32))
    gender: Mapped[str | None] = mapped_column(String(32))
    industry: Mapped[str | None] = mapped_column(String(100))
    company_size: Mapped[str | None] = mapped_column(String(32))
    plan: Mapped[str | None] = mapped_column(String(64))
    region: Mapped[str | None] = mapped_column(String(100))
    value: Mapped[float | None]
    attributes: Mapped[dict[str, Any]] = mapped_column(default=dict)
    acquired_at: Mapped[datetime | None] = mapped_column(index=True)
    churned_at: Mapped[datetime | None] = mapped_column(index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class LifecycleEvent(Base):
    """A customer was acquired, renewed or churned at a moment."""

    __tablename__ = "lifecycle_events"
    __table_args__ = (
        CheckConstraint(check_in("kind", [k.value for k in LifecycleKind]), name="kind"),
        UniqueConstraint("customer_id", "kind", "at"),
        Index(None, "kind", "at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(16))
    at: Mapped[datetime]


class Referral(Base):
    """``referrer`` brought ``referred`` as a new customer."""

    __tablename__ = "referrals"
    __table_args__ = (UniqueConstraint("referrer_id", "referred_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    referrer_id: Mapped[int] = mapped_column(ForeignKey("customers.id", ondelete="CASCADE"))
    referred_id: Mapped[int] = mapped_column(
        ForeignKey("customers.id", ondelete="CASCADE"), index=True
    )
    at: Mapped[datetime | None]
