"""Customers who stopped answering: N invitations in a row without a response."""

from __future__ import annotations

from sqlalchemy.orm import Session

from cxlens.features.distribution import pressure_repository as repo
from cxlens.features.distribution.pressure import SILENT_FLAG, unanswered_streak
from cxlens.features.distribution.schemas import SilentCustomer
from cxlens.models import Customer


def silent_customers(session: Session, *, threshold: int = 3) -> list[SilentCustomer]:
    """Every customer whose latest ``threshold`` (or more) sent invitations in a row got no
    answer — hidden dissatisfaction: they leave without saying anything. Worst first."""
    out: list[SilentCustomer] = []
    for customer_id in repo.customers_sent_to(session):
        streak = unanswered_streak(session, customer_id)
        if streak < threshold:
            continue
        customer = session.get_one(Customer, customer_id)
        last = repo.last_sent_at(session, customer_id)
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


def flagged_customers(session: Session, flag: str = SILENT_FLAG) -> list[int]:
    """Ids of the customers carrying ``flag`` (set by the send job)."""
    return repo.flagged_customer_ids(session, flag)
