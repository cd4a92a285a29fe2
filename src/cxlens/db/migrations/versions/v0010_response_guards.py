"""Responses the wrong hands cannot cast or change: vote clicks, answer changes, vote time.

``responses.voted_at`` is when a person (not a link scanner) answered the first question
from the email; ``vote_clicks`` keeps every confirmed score-link click, so that a burst of
different scores of one invitation (a mail security scanner following every link) is
recognised; ``answer_changes`` records each change to a given answer (old, new, when, how).

Revision ID: 0010_response_guards
Revises: 0009_house_one_opt_out_store
Create Date: 2026-12-02
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010_response_guards"
down_revision: str | None = "0009_house_one_opt_out_store"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Add ``responses.voted_at``; create ``vote_clicks`` and ``answer_changes``."""
    with op.batch_alter_table("responses") as batch:
        batch.add_column(sa.Column("voted_at", sa.DateTime(timezone=True), nullable=True))
    op.create_table(
        "vote_clicks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("invitation_id", sa.Integer(), nullable=False),
        sa.Column("score", sa.Integer(), nullable=False),
        sa.Column("outcome", sa.String(length=16), nullable=False),
        sa.Column("clicked_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["invitation_id"],
            ["invitations.id"],
            name=op.f("fk_vote_clicks_invitation_id_invitations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_vote_clicks")),
    )
    op.create_index(
        op.f("ix_vote_clicks_invitation_id_clicked_at"),
        "vote_clicks",
        ["invitation_id", "clicked_at"],
    )
    op.create_table(
        "answer_changes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("response_id", sa.Integer(), nullable=False),
        sa.Column("question_id", sa.Integer(), nullable=False),
        sa.Column("old_value", sa.Double(), nullable=True),
        sa.Column("old_text", sa.Text(), nullable=True),
        sa.Column("new_value", sa.Double(), nullable=True),
        sa.Column("new_text", sa.Text(), nullable=True),
        sa.Column("via", sa.String(length=16), nullable=False),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["response_id"],
            ["responses.id"],
            name=op.f("fk_answer_changes_response_id_responses"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["question_id"],
            ["questions.id"],
            name=op.f("fk_answer_changes_question_id_questions"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_answer_changes")),
    )
    op.create_index(op.f("ix_answer_changes_response_id"), "answer_changes", ["response_id"])


def downgrade() -> None:
    """Drop ``answer_changes``, ``vote_clicks`` and ``responses.voted_at``."""
    op.drop_index(op.f("ix_answer_changes_response_id"), table_name="answer_changes")
    op.drop_table("answer_changes")
    op.drop_index(op.f("ix_vote_clicks_invitation_id_clicked_at"), table_name="vote_clicks")
    op.drop_table("vote_clicks")
    with op.batch_alter_table("responses") as batch:
        batch.drop_column("voted_at")
