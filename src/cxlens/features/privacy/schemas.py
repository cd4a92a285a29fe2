"""What the privacy feature returns: the plan of an erasure and its report.

The export is a plain JSON document (a ``dict``), shape in docs/privacy.md:
``{"format": EXPORT_FORMAT, "exported_at", "customer", "tables": {table: [rows]},
"theme_examples": [...], "analytics_store"}``.
"""

from __future__ import annotations

from pydantic import BaseModel, Field

#: The ``format`` of an export document; the number changes when its shape does.
EXPORT_FORMAT = "cxlens.customer-export/1"


class ErasurePlan(BaseModel):
    """What erasing one customer will do, counted before anything is deleted.

    ``deleted``: rows per table (the customer's own row under ``customers``);
    ``unlinked``: rows that stay with their pointer to the customer's rows cleared;
    ``scrubbed``: rows that stay with the customer's text taken out (theme examples, audit
    entries that named them).
    """

    customer_id: int
    deleted: dict[str, int] = Field(default_factory=dict)
    unlinked: dict[str, int] = Field(default_factory=dict)
    scrubbed: dict[str, int] = Field(default_factory=dict)
    #: The channels they had opted out of or bounced on (``any`` for all): the erasure
    #: deletes those suppressions with the rest, so a later import of the same person from
    #: a source that still holds them starts with none (docs/privacy.md).
    suppressed_channels: list[str] = Field(default_factory=list)

    @property
    def total(self) -> int:
        """Rows deleted, in all tables."""
        return sum(self.deleted.values())


class ErasureReport(ErasurePlan):
    """What an erasure did: the plan's counts, the audit entry's marker and the extras.

    ``marker`` is the salted hash of the reference kept in the audit entry (HMAC-SHA-256
    under the first signing key): it can confirm that a given reference was erased, never
    reveal one. ``analytics_store`` says what the analytics store's hook did.
    """

    marker: str
    audit_id: int
    analytics_store: str
