"""Text analytics: analyses per comment, theme hits, cached embeddings, themes, labels, heads.

Revision ID: 0007_text
Revises: 0006_policy_quiet_off
Create Date: 2026-11-25
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007_text"
down_revision: str | None = "0006_policy_quiet_off"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_TZ = sa.DateTime(timezone=True)


def _answer_fk(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        ["answer_id"],
        ["answers.id"],
        name=op.f(f"fk_{table}_answer_id_answers"),
        ondelete="CASCADE",
    )


def upgrade() -> None:
    """Create the text_* tables."""
    op.create_table(
        "text_analyses",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("answer_id", sa.Integer(), nullable=False),
        sa.Column("model", sa.String(length=200), nullable=False),
        sa.Column("language", sa.String(length=35), nullable=True),
        sa.Column("language_confidence", sa.Double(), nullable=False),
        sa.Column("sentiment", sa.String(length=16), nullable=False),
        sa.Column("sentiment_score", sa.Double(), nullable=False),
        sa.Column("analysed_at", _TZ, nullable=False),
        _answer_fk("text_analyses"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_text_analyses")),
        sa.UniqueConstraint("answer_id", "model", name=op.f("uq_text_analyses_answer_id_model")),
    )
    op.create_index(op.f("ix_text_analyses_language"), "text_analyses", ["language"])
    op.create_index(
        op.f("ix_text_analyses_model_answer_id"), "text_analyses", ["model", "answer_id"]
    )
    op.create_table(
        "text_theme_hits",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("analysis_id", sa.Integer(), nullable=False),
        sa.Column("theme_key", sa.String(length=100), nullable=False),
        sa.Column("score", sa.Double(), nullable=False),
        sa.Column("sentiment", sa.String(length=16), nullable=True),
        sa.Column("sentiment_score", sa.Double(), nullable=True),
        sa.ForeignKeyConstraint(
            ["analysis_id"],
            ["text_analyses.id"],
            name=op.f("fk_text_theme_hits_analysis_id_text_analyses"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_text_theme_hits")),
        sa.UniqueConstraint(
            "analysis_id", "theme_key", name=op.f("uq_text_theme_hits_analysis_id_theme_key")
        ),
    )
    op.create_index(op.f("ix_text_theme_hits_theme_key"), "text_theme_hits", ["theme_key"])
    op.create_table(
        "text_embeddings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("answer_id", sa.Integer(), nullable=False),
        sa.Column("model", sa.String(length=200), nullable=False),
        sa.Column("dim", sa.Integer(), nullable=False),
        sa.Column("encoding", sa.String(length=8), nullable=False),
        sa.Column("scale", sa.Double(), nullable=False),
        sa.Column("vector", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", _TZ, nullable=False),
        _answer_fk("text_embeddings"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_text_embeddings")),
        sa.UniqueConstraint("answer_id", "model", name=op.f("uq_text_embeddings_answer_id_model")),
    )
    op.create_index(
        op.f("ix_text_embeddings_model_answer_id"), "text_embeddings", ["model", "answer_id"]
    )
    op.create_table(
        "text_themes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=100), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("examples", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("threshold", sa.Double(), nullable=True),
        sa.Column("merged_into", sa.String(length=100), nullable=True),
        sa.Column("details", sa.JSON(), nullable=False),
        sa.Column("created_at", _TZ, nullable=False),
        sa.Column("updated_at", _TZ, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_text_themes")),
        sa.UniqueConstraint("key", name=op.f("uq_text_themes_key")),
    )
    op.create_table(
        "text_labels",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("answer_id", sa.Integer(), nullable=False),
        sa.Column("sentiment", sa.String(length=16), nullable=True),
        sa.Column("themes", sa.JSON(), nullable=True),
        sa.Column("labelled_by", sa.String(length=200), nullable=True),
        sa.Column("labelled_at", _TZ, nullable=False),
        _answer_fk("text_labels"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_text_labels")),
    )
    op.create_index(op.f("ix_text_labels_answer_id"), "text_labels", ["answer_id"])
    op.create_table(
        "text_heads",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("embedder", sa.String(length=200), nullable=False),
        sa.Column("parameters", sa.JSON(), nullable=False),
        sa.Column("metrics", sa.JSON(), nullable=False),
        sa.Column("examples", sa.Integer(), nullable=False),
        sa.Column("trained_at", _TZ, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_text_heads")),
        sa.UniqueConstraint("kind", "version", name=op.f("uq_text_heads_kind_version")),
    )


def downgrade() -> None:
    """Drop the text_* tables."""
    op.drop_table("text_heads")
    op.drop_index(op.f("ix_text_labels_answer_id"), table_name="text_labels")
    op.drop_table("text_labels")
    op.drop_table("text_themes")
    op.drop_index(op.f("ix_text_embeddings_model_answer_id"), table_name="text_embeddings")
    op.drop_table("text_embeddings")
    op.drop_index(op.f("ix_text_theme_hits_theme_key"), table_name="text_theme_hits")
    op.drop_table("text_theme_hits")
    op.drop_index(op.f("ix_text_analyses_model_answer_id"), table_name="text_analyses")
    op.drop_index(op.f("ix_text_analyses_language"), table_name="text_analyses")
    op.drop_table("text_analyses")
