"""The one place an erasure reaches the analytics store.

The analytics store (DuckDB, derived from the store of record; issue 9 item 2) does not
exist yet. When it does, :func:`erase_from_analytics_store` is where an erasure removes the
customer from it — most simply by writing the erased rows' ids to the store's change log in
this same transaction, so that the next refresh drops them, and refusing to report success
until that refresh ran (docs/privacy.md). :func:`~cxlens.features.privacy.service.erase_customer`
calls it once, after the rows are deleted and before the audit entry is written.
"""

from __future__ import annotations

from collections.abc import Mapping, Set
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

#: What the hook answers while there is no analytics store.
NO_ANALYTICS_STORE = "no analytics store yet: nothing to erase there"


def erase_from_analytics_store(
    session: Session, customer_id: int, deleted: Mapping[str, Set[Any]]
) -> str:
    """Remove customer ``customer_id`` and the rows ``deleted`` (ids per table) from the
    analytics store, in ``session``'s transaction; says what it did (for the report)."""
    del session, customer_id, deleted  # nothing holds them yet
    return NO_ANALYTICS_STORE
