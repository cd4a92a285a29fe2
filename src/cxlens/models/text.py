"""Text analytics in the store: analyses per comment, theme hits, cached embeddings, the
company's themes, the team's labels and the heads trained from them (issue 4).

A comment is an :class:`~cxlens.models.feedback.Answer` with text. Every analysis records
the model that made it (``name@version``) and is unique per answer and model, so that
re-analysis with a better model is a batch job, not a migration.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from cxlens.models.base import Base, utcnow


class TextAnalysis(Base):
    """One model's analysis of one comment: language, sentiment (themes in the hits)."""

    __tablename__ = "text_analyses"
    __table_args__ = (UniqueConstraint("answer_id", "model"), Index(None, "model", "answer_id"))

    id: Mapped[int] = mapped_column(primary_key=True)
    answer_id: Mapped[int] = mapped_column(ForeignKey("answers.id", ondelete="CASCADE"))
    model: Mapped[str] = mapped_column(String(200))
    language: Mapped[str | None] = mapped_column(String(35), index=True)
    language_confidence: Mapped[float]
    sentiment: Mapped[str] = mapped_column(String(16))
    sentiment_score: Mapped[float]
    analysed_at: Mapped[datetime] = mapped_column(default=utcnow)


class TextThemeHit(Base):
    """A theme found in an analysed comment, with its score and the aspect's sentiment."""

    __tablename__ = "text_theme_hits"
    __table_args__ = (UniqueConstraint("analysis_id", "theme_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    analysis_id: Mapped[int] = mapped_column(ForeignKey("text_analyses.id", ondelete="CASCADE"))
    theme_key: Mapped[str] = mapped_column(String(100), index=True)
    score: Mapped[float]
    sentiment: Mapped[str | None] = mapped_column(String(16))
    sentiment_score: Mapped[float | None]


class TextEmbedding(Base):
    """The cached embedding of a comment: int8 codes times ``scale`` (about 1/4 of float32)."""

    __tablename__ = "text_embeddings"
    __table_args__ = (UniqueConstraint("answer_id", "model"), Index(None, "model", "answer_id"))

    id: Mapped[int] = mapped_column(primary_key=True)
    answer_id: Mapped[int] = mapped_column(ForeignKey("answers.id", ondelete="CASCADE"))
    model: Mapped[str] = mapped_column(String(200))
    dim: Mapped[int]
    encoding: Mapped[str] = mapped_column(String(8), default="int8")
    scale: Mapped[float]
    vector: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class TextTheme(Base):
    """A theme of the company's taxonomy (seeded from the default one, then the team's).

    ``status``: ``active`` (scored), ``proposed`` (found by discovery, not applied until
    accepted) or ``merged`` (into ``merged_into``). ``threshold`` is learned from labels.
    """

    __tablename__ = "text_themes"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(100), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    examples: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    status: Mapped[str] = mapped_column(String(16), default="active")
    source: Mapped[str] = mapped_column(String(16), default="user")
    threshold: Mapped[float | None]
    merged_into: Mapped[str | None] = mapped_column(String(100))
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class TextLabel(Base):
    """A team member's label of a comment: its sentiment and/or its themes."""

    __tablename__ = "text_labels"

    id: Mapped[int] = mapped_column(primary_key=True)
    answer_id: Mapped[int] = mapped_column(ForeignKey("answers.id", ondelete="CASCADE"), index=True)
    sentiment: Mapped[str | None] = mapped_column(String(16))
    themes: Mapped[list[str] | None] = mapped_column(JSON)
    labelled_by: Mapped[str | None] = mapped_column(String(200))
    labelled_at: Mapped[datetime] = mapped_column(default=utcnow)


class TextHead(Base):
    """A head trained on the team's labels over one embedding model (``kind``: sentiment)."""

    __tablename__ = "text_heads"
    __table_args__ = (UniqueConstraint("kind", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(32))
    version: Mapped[int]
    embedder: Mapped[str] = mapped_column(String(200))
    parameters: Mapped[dict[str, Any]] = mapped_column(JSON)
    metrics: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    examples: Mapped[int]
    trained_at: Mapped[datetime] = mapped_column(default=utcnow)
