"""Customers who stopped answering: N invitations in a row without a response."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from cxlens.features.distribution.pressure import unanswered_streak
from cxlens.features.distribution.schemas import SilentCustomer
from cxlens.models import Customer, Invitation
from cxlens.models.distribution import CustomerFlag


def silent_customers(session: Session, *, threshold: int = 3) -> list[SilentCustomer]:
    """Every customer whose latest ``threshold`` (or more) sent invitations in a row got no
    answer — hidden dissatisfaction: they leave without saying anything. Worst first."""
    ids = session.execute(
        select(Invitation.customer_id)
        .where(Invitation.customer_id.is_not(None), Invitation.sent_at.is_not(None))
        .distinct()
    ).scalars()
    out: list[SilentCustomer] = []
    for customer_id in ids:
        if customer_id is None:
            continue
        streak = unanswered_streak(session, int(customer_id))
        if streak < threshold:
            continue
        customer = session.get_one(Customer, customer_id)
        last = session.execute(
            select(Invitation.sent_at)
            .where(Invitation.customer_id == customer_id, Invitation.sent_at.is_not(None))
            .order_by(Invitation.sent_at.desc())
            .limit(1)
        ).scalar()
        out.append(
            SilentCustomer(
                customer_id=customer.id,
                customer_ref=customer.customer_ref,
                unanswered=streak,
                last_sent_at=last,
            )
        )
    out.sort(key=lambda s: (-s.unanswered, s.customer_id))
    return out


def flagged_customers(session: Session, flag: str = "silent") -> list[int]:
    """Ids of the customers carrying ``flag`` (set by the send job)."""
    return [
        int(i)
        for i in session.execute(
            select(CustomerFlag.customer_id)
            .where(CustomerFlag.flag == flag)
            .order_by(CustomerFlag.customer_id)
        ).scalars()
    ]
