"""Collection: incentive-code pools and customer opt-outs.

Revision ID: 0005_collection
Revises: 0004_distribution
Create Date: 2026-11-24
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005_collection"
down_revision: str | None = "0004_distribution"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Create ``incentive_codes`` and ``opt_outs``."""
    op.create_table(
        "incentive_codes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("pool", sa.String(length=100), nullable=False),
        sa.Column("code", sa.String(length=200), nullable=False),
        sa.Column("response_id", sa.Integer(), nullable=True),
        sa.Column("assigned_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["response_id"],
            ["responses.id"],
            name=op.f("fk_incentive_codes_response_id_responses"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_incentive_codes")),
        sa.UniqueConstraint("pool", "code", name=op.f("uq_incentive_codes_pool_code")),
        sa.UniqueConstraint("response_id", name=op.f("uq_incentive_codes_response_id")),
    )
    op.create_index(op.f("ix_incentive_codes_pool"), "incentive_codes", ["pool"])
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


def downgrade() -> None:
    """Drop ``opt_outs`` and ``incentive_codes``."""
    op.drop_table("opt_outs")
    op.drop_index(op.f("ix_incentive_codes_pool"), table_name="incentive_codes")
    op.drop_table("incentive_codes")
