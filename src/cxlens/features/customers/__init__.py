"""Customers: who the feedback is from, found by their reference (``customer_ref``).

:func:`upsert_customer` is the one way an unauthenticated caller (an event) creates a
customer: it never changes a stored customer's e-mail, phone or name.
:func:`update_customer_contact` (and :func:`save_customer`, which also creates) is the one
way an authenticated caller changes them, recorded in the audit log. The lookups by
reference live in :mod:`.repository`. Bulk customer
files come in through the import feature (``cxlens import FILE --kind customers``).
"""

from cxlens.features.customers.schemas import ContactChanges, CustomerIn
from cxlens.features.customers.service import (
    CustomerUpsert,
    save_customer,
    update_customer_contact,
    upsert_customer,
)

__all__ = [
    "ContactChanges",
    "CustomerIn",
    "CustomerUpsert",
    "save_customer",
    "update_customer_contact",
    "upsert_customer",
]
