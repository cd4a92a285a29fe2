"""One opt-out store: ``opt_outs`` (unsubscribe links) folds into ``contact_suppressions``.

Two tables said who opted out: ``opt_outs`` (collection, the unsubscribe link) and
``contact_suppressions`` with reason ``opt_out`` (distribution, API and CLI). Distribution
read both. Now ``contact_suppressions`` is the one store: it gains ``invitation_id`` (the
invitation whose link was used) and ``method`` (``link``, ``one_click``), each ``opt_outs``
row becomes an all-channel opt-out there, and ``opt_outs`` is dropped.

Revision ID: 0009_house_one_opt_out_store
Revises: 0008_reminders_bounces
Create Date: 2026-12-02
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009_house_one_opt_out_store"
down_revision: str | None = "0008_reminders_bounces"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_SUPPRESSIONS = sa.table(
    "contact_suppressions",
    sa.column("customer_id", sa.Integer()),
    sa.column("channel", sa.String()),
    sa.column("reason", sa.String()),
    sa.column("detail", sa.Text()),
    sa.column("invitation_id", sa.Integer()),
    sa.column("method", sa.String()),
    sa.column("created_at", sa.DateTime(timezone=True)),
)
_OPT_OUTS = sa.table(
    "opt_outs",
    sa.column("id", sa.Integer()),
    sa.column("customer_id", sa.Integer()),
    sa.column("invitation_id", sa.Integer()),
    sa.column("method", sa.String()),
    sa.column("opted_out_at", sa.DateTime(timezone=True)),
)
_DETAIL = "unsubscribed with the invitation's link"


def upgrade() -> None:
    """Add ``invitation_id`` and ``method``; move ``opt_outs`` in; drop ``opt_outs``."""
    with op.batch_alter_table("contact_suppressions") as batch:
        batch.add_column(sa.Column("invitation_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("method", sa.String(length=16), nullable=True))
        batch.create_foreign_key(
            op.f("fk_contact_suppressions_invitation_id_invitations"),
            "invitations",
            ["invitation_id"],
            ["id"],
            ondelete="SET NULL",
        )
    op.execute(
        _SUPPRESSIONS.insert().from_select(
            ["customer_id", "channel", "reason", "detail", "invitation_id", "method", "created_at"],
            sa.select(
                _OPT_OUTS.c.customer_id,
                sa.null(),
                sa.literal("opt_out"),
                sa.literal(_DETAIL),
                _OPT_OUTS.c.invitation_id,
                _OPT_OUTS.c.method,
                _OPT_OUTS.c.opted_out_at,
            ),
        )
    )
    op.drop_table("opt_outs")


def downgrade() -> None:
    """Recreate ``opt_outs`` from the link opt-outs (one per customer); drop the columns."""
    op.create_table(
        "opt_outs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=False),
        sa.Column("invitation_id", sa.Integer(), nullable=True),
        sa.Column("method", sa.String(length=16), nullable=False),
        sa.Column("opted_out_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["customer_id"],
            ["customers.id"],
            name=op.f("fk_opt_outs_customer_id_customers"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["invitation_id"],
            ["invitations.id"],
            name=op.f("fk_opt_outs_invitation_id_invitations"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_opt_outs")),
        sa.UniqueConstraint("customer_id", name=op.f("uq_opt_outs_customer_id")),
    )
    link = sa.and_(_SUPPRESSIONS.c.reason == "opt_out", _SUPPRESSIONS.c.method.is_not(None))
    first = (
        sa.select(
            _SUPPRESSIONS.c.customer_id,
            sa.func.min(_SUPPRESSIONS.c.invitation_id).label("invitation_id"),
            sa.func.min(_SUPPRESSIONS.c.method).label("method"),
            sa.func.min(_SUPPRESSIONS.c.created_at).label("opted_out_at"),
        )
        .where(link)
        .group_by(_SUPPRESSIONS.c.customer_id)
    )
    op.execute(
        _OPT_OUTS.insert().from_select(
            ["customer_id", "invitation_id", "method", "opted_out_at"], first
        )
    )
    op.execute(_SUPPRESSIONS.delete().where(link))
    with op.batch_alter_table("contact_suppressions") as batch:
        batch.drop_constraint(
            op.f("fk_contact_suppressions_invitation_id_invitations"), type_="foreignkey"
        )
        batch.drop_column("method")
        batch.drop_column("invitation_id")
