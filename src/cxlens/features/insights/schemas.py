"""Request and response bodies of the text-analytics API."""

from __future__ import annotations

from pydantic import BaseModel, Field


class ThemeHitOut(BaseModel):
    """A theme found in a comment."""

    theme: str
    score: float
    sentiment: str | None


class AnalysisOut(BaseModel):
    """The latest analysis of a comment, with the model that made it."""

    language: str | None
    language_confidence: float
    sentiment: str
    sentiment_score: float
    themes: list[ThemeHitOut]
    model: str


class CommentOut(BaseModel):
    """A comment and its analysis (``null`` until the worker analysed it)."""

    id: int
    text: str
    analysis: AnalysisOut | None


class ThemeIn(BaseModel):
    """A new theme: name, description, examples (a list, or lists by language)."""

    name: str
    description: str = ""
    examples: dict[str, list[str]] | list[str] = Field(default_factory=list)


class ThemePatch(BaseModel):
    """Changes to a theme; ``accept`` applies a proposed one."""

    name: str | None = None
    description: str | None = None
    examples: dict[str, list[str]] | list[str] | None = None
    accept: bool = False


class ThemeOut(BaseModel):
    """A theme of the company's taxonomy."""

    key: str
    name: str
    description: str
    examples: dict[str, list[str]]
    status: str
    source: str
    threshold: float | None
    merged_into: str | None
    details: dict[str, object]


class MergeIn(BaseModel):
    """Themes to fold into ``into``."""

    keys: list[str]
    into: str
    name: str | None = None


class LabelIn(BaseModel):
    """The team's label of a comment."""

    sentiment: str | None = None
    themes: list[str] | None = None
    labelled_by: str | None = None


class LabelOut(BaseModel):
    """A stored label."""

    id: int
    comment_id: int
    sentiment: str | None
    themes: list[str] | None
