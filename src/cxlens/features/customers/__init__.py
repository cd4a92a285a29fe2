"""Customers: who the feedback is from, found by their reference (``customer_ref``).

:func:`upsert_customer` is the one way an event, an invitation by hand or the API creates or
updates a customer; the lookups by reference live in :mod:`.repository`. Bulk customer
files come in through the import feature (``cxlens import FILE --kind customers``).
"""

from cxlens.features.customers.schemas import CustomerIn
from cxlens.features.customers.service import upsert_customer

__all__ = ["CustomerIn", "upsert_customer"]
