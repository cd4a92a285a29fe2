"""Contact policy: quiet hours can be switched off (``quiet_hours_enabled``).

Before, a global row without quiet-hour minutes meant "the defaults" (21:00-08:00), so
"off" could not be stored; the CLI stored an empty 00:00-00:00 window instead. Such empty
windows become "off".

Revision ID: 0006_policy_quiet_off
Revises: 0005_collection
Create Date: 2026-11-25
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006_policy_quiet_off"
down_revision: str | None = "0005_collection"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_POLICIES = sa.table(
    "contact_policies",
    sa.column("quiet_start_minute", sa.Integer()),
    sa.column("quiet_end_minute", sa.Integer()),
    sa.column("quiet_hours_enabled", sa.Boolean()),
)


def upgrade() -> None:
    """Add ``quiet_hours_enabled``; empty windows (start = end) become "off"."""
    with op.batch_alter_table("contact_policies") as batch:
        batch.add_column(
            sa.Column("quiet_hours_enabled", sa.Boolean(), server_default=sa.true(), nullable=False)
        )
    op.execute(
        _POLICIES.update()
        .where(_POLICIES.c.quiet_start_minute == _POLICIES.c.quiet_end_minute)
        .values(quiet_hours_enabled=False, quiet_start_minute=None, quiet_end_minute=None)
    )


def downgrade() -> None:
    """Drop ``quiet_hours_enabled``; "off" goes back to an empty 00:00-00:00 window."""
    op.execute(
        _POLICIES.update()
        .where(_POLICIES.c.quiet_hours_enabled.is_(False))
        .values(quiet_start_minute=0, quiet_end_minute=0)
    )
    with op.batch_alter_table("contact_policies") as batch:
        batch.drop_column("quiet_hours_enabled")
