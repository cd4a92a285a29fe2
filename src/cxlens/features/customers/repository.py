"""The SQL of customers: lookups by reference."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import Select, false, select
from sqlalchemy.orm import Session

from cxlens.models import CUSTOMER_ATTRIBUTES, Customer

#: Refs per ``IN (...)`` query (well under every backend's parameter limit).
CHUNK = 500


def ids_in_scope(scope: Mapping[str, Sequence[str]]) -> Select[Any]:
    """SQL: the ids of the customers a data scope lets its user see.

    Every attribute of ``scope`` must hold one of its values (``{"region": ["NL", "BE"]}``).
    An attribute that is not a customer column matches nobody: a scope never widens.
    """
    query = select(Customer.id)
    for attribute, values in scope.items():
        if attribute not in CUSTOMER_ATTRIBUTES:
            return query.where(false())
        query = query.where(getattr(Customer, attribute).in_(list(values)))
    return query


def customer_by_ref(session: Session, ref: str) -> Customer | None:
    """The customer with this reference."""
    return session.execute(
        select(Customer).where(Customer.customer_ref == ref)
    ).scalar_one_or_none()


def customer_ids(session: Session, refs: Sequence[str]) -> dict[str, int]:
    """Customer ref → id for the refs that exist."""
    out: dict[str, int] = {}
    wanted = sorted(set(refs))
    for i in range(0, len(wanted), CHUNK):
        part = wanted[i : i + CHUNK]
        rows = session.execute(
            select(Customer.customer_ref, Customer.id).where(Customer.customer_ref.in_(part))
        )
        out.update({ref: id_ for ref, id_ in rows})
    return out


def active_customers(session: Session) -> list[Customer]:
    """The customers who have not churned, in id order."""
    return list(
        session.execute(
            select(Customer).where(Customer.churned_at.is_(None)).order_by(Customer.id)
        ).scalars()
    )
