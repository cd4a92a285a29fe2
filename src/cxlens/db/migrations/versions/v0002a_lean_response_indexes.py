"""Drop the response indexes no query uses: they cost most of the time of a bulk import.

The store metrics scan answers joined to responses by primary key and group in SQL; period
and dimension filters are not index range scans. What stays on ``responses``: the unique
``(source, response_ref)`` (idempotent imports), ``survey_version_id`` (survey filter),
``invitation_id`` (response rate) and ``customer_id`` (a customer's history, erasure).
Dropped: ``submitted_at``, ``(touchpoint_id, submitted_at)``, ``(channel, submitted_at)`` and
``account_id``. Measured on 200 k responses into SQLite, the four cost 2 to 4 s of an import
of 6.8 s (random-order keys in a B-tree).

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

#: (index name, columns) of the dropped indexes, to recreate them on downgrade.
DROPPED = (
    ("ix_responses_submitted_at", ["submitted_at"]),
    ("ix_responses_touchpoint_id_submitted_at", ["touchpoint_id", "submitted_at"]),
    ("ix_responses_channel_submitted_at", ["channel", "submitted_at"]),
    ("ix_responses_account_id", ["account_id"]),
)


def upgrade() -> None:
    """Drop the four unused response indexes."""
    for name, _columns in DROPPED:
        op.drop_index(name, table_name="responses")


def downgrade() -> None:
    """Recreate them."""
    for name, columns in DROPPED:
        op.create_index(name, "responses", columns, unique=False)
