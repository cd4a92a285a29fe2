"""Surveys with versioned question definitions."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from cxlens.models.base import Base, utcnow
from cxlens.models.enums import QuestionType, check_in


class Survey(Base):
    """A questionnaire; its questions live in versions so that edits keep old answers valid.

    ``key`` is the stable identifier of a survey defined in cxlens (a definition's ``key``);
    surveys created by a file import have none. ``kind`` is ``relationship`` (cold) or
    ``transactional`` (hot).
    """

    __tablename__ = "surveys"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str | None] = mapped_column(String(100), unique=True, index=True)
    name: Mapped[str] = mapped_column(String(300), unique=True)
    kind: Mapped[str | None] = mapped_column(String(16))
    description: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class SurveyVersion(Base):
    """One immutable set of question definitions of a survey.

    ``signature`` is a hash of the question definitions: importing a file with the same
    questions reuses the version. ``definition`` is the whole survey definition (JSON, see
    ``cxlens.features.surveys``) of a version made in cxlens; imported versions have none.
    """

    __tablename__ = "survey_versions"
    __table_args__ = (UniqueConstraint("survey_id", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("surveys.id", ondelete="CASCADE"))
    version: Mapped[int]
    signature: Mapped[str] = mapped_column(String(64), index=True)
    definition: Mapped[dict[str, Any] | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Question(Base):
    """A question of a survey version.

    Scores are described by ``scale_low``/``scale_high`` and ``higher_is_better``;
    ``positive_min`` (lowest *oriented* score counted positive, top boxes) and
    ``negative_max`` (highest oriented score counted negative, bottom boxes) are stored
    resolved, so that SQL can count them. ``labels`` maps a language to its texts, e.g.
    ``{"en": {"text": "...", "low": "...", "high": "..."}}``. ``options`` holds what the
    survey page needs beyond that (``required``, ``choices``, ``follow_up_of``,
    ``profile_attribute``); ``logic`` the condition to show the question
    (``{"question": "nps", "op": "lte", "value": 6}``). Both are absent on imported questions.
    """

    __tablename__ = "questions"
    __table_args__ = (
        CheckConstraint(check_in("type", [t.value for t in QuestionType]), name="type"),
        UniqueConstraint("survey_version_id", "key"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    survey_version_id: Mapped[int] = mapped_column(
        ForeignKey("survey_versions.id", ondelete="CASCADE")
    )
    position: Mapped[int] = mapped_column(default=0)
    key: Mapped[str] = mapped_column(String(200))
    text: Mapped[str] = mapped_column(Text, default="")
    type: Mapped[str] = mapped_column(String(32))
    scale_low: Mapped[int | None]
    scale_high: Mapped[int | None]
    higher_is_better: Mapped[bool] = mapped_column(default=True)
    positive_min: Mapped[float | None]
    negative_max: Mapped[float | None]
    labels: Mapped[dict[str, Any]] = mapped_column(default=dict)
    options: Mapped[dict[str, Any] | None]
    logic: Mapped[dict[str, Any] | None]
