"""Surveys as versioned data: survey key and kind, version definition, question options/logic.

Revision ID: 0003_surveys
Revises: 0002_jobs
Create Date: 2026-11-23
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003_surveys"
down_revision: str | None = "0002_jobs"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Add the columns of survey definitions (all nullable: imported surveys have none)."""
    with op.batch_alter_table("surveys") as batch:
        batch.add_column(sa.Column("key", sa.String(length=100), nullable=True))
        batch.add_column(sa.Column("kind", sa.String(length=16), nullable=True))
    op.create_index(op.f("ix_surveys_key"), "surveys", ["key"], unique=True)
    with op.batch_alter_table("survey_versions") as batch:
        batch.add_column(sa.Column("definition", sa.JSON(), nullable=True))
    with op.batch_alter_table("questions") as batch:
        batch.add_column(sa.Column("options", sa.JSON(), nullable=True))
        batch.add_column(sa.Column("logic", sa.JSON(), nullable=True))


def downgrade() -> None:
    """Drop the survey-definition columns."""
    with op.batch_alter_table("questions") as batch:
        batch.drop_column("logic")
        batch.drop_column("options")
    with op.batch_alter_table("survey_versions") as batch:
        batch.drop_column("definition")
    op.drop_index(op.f("ix_surveys_key"), table_name="surveys")
    with op.batch_alter_table("surveys") as batch:
        batch.drop_column("kind")
        batch.drop_column("key")
