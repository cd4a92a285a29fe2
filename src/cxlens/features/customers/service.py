"""Creating and updating customers (flushes, never commits)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from cxlens.features.customers import repository as repo
from cxlens.features.customers.schemas import CustomerIn
from cxlens.models import Customer

#: The contact fields a caller may give; a field not given keeps its stored value.
CONTACT_FIELDS = ("email", "phone", "name", "locale", "time_zone")


def upsert_customer(session: Session, data: CustomerIn) -> Customer:
    """The customer ``data.ref``, created if new; given contact fields replace stored ones."""
    customer = repo.customer_by_ref(session, data.ref)
    if customer is None:
        customer = Customer(customer_ref=data.ref)
        session.add(customer)
    for field in CONTACT_FIELDS:
        value = getattr(data, field)
        if value is not None:
            setattr(customer, field, value)
    session.flush()
    return customer
