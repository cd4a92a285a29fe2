"""Cancelled jobs, and SMS delivery reports found by the provider's message id.

``jobs.status`` may be ``cancelled`` (a queued reminder of an invitation that was completed,
or of a customer who opted out or bounced); ``invitation_dispatches.provider_id`` gets an
index, so a delivery report (Twilio ``MessageSid``) finds its invitation at once.

Revision ID: 0008_reminders_bounces
Revises: 0007_text
Create Date: 2026-11-22
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008_reminders_bounces"
down_revision: str | None = "0007_text"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_OLD = ("queued", "running", "done", "failed", "dead")
_NEW = (*_OLD, "cancelled")
_JOBS = sa.table("jobs", sa.column("status", sa.String()), sa.column("last_error", sa.Text()))


def _check_in(values: Sequence[str]) -> str:
    return f"status IN ({', '.join(repr(v) for v in values)})"


def _status_check(values: Sequence[str]) -> None:
    with op.batch_alter_table("jobs") as batch:
        batch.drop_constraint(op.f("ck_jobs_status"), type_="check")
        batch.create_check_constraint(op.f("ck_jobs_status"), _check_in(values))


def upgrade() -> None:
    """Allow ``cancelled`` jobs; index ``invitation_dispatches.provider_id``."""
    _status_check(_NEW)
    op.create_index(
        op.f("ix_invitation_dispatches_provider_id"),
        "invitation_dispatches",
        ["provider_id"],
        unique=False,
    )


def downgrade() -> None:
    """Drop the index; cancelled jobs become ``failed`` (their ``last_error`` says why)."""
    op.drop_index(op.f("ix_invitation_dispatches_provider_id"), table_name="invitation_dispatches")
    op.execute(_JOBS.update().where(_JOBS.c.status == "cancelled").values(status="failed"))
    _status_check(_OLD)
