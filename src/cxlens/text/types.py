"""The public types of :mod:`cxlens.text`: results, the analyzer and embedder Protocols.

Every backend (default CPU, fast path, GPU) returns :class:`CommentAnalysis` objects and
says which model produced them (``name@version``), so results can be stored per comment
and re-analysed later by a batch job.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal, Protocol, runtime_checkable

import numpy as np
import numpy.typing as npt

from cxlens.core.errors import CxlensError

Sentiment = Literal["negative", "neutral", "positive"]
"""The three sentiment labels, in this order everywhere (index 0, 1, 2)."""

SENTIMENTS: tuple[Sentiment, ...] = ("negative", "neutral", "positive")

EmbeddingKind = Literal["query", "passage"]
Vectors = npt.NDArray[np.float32]
"""A float32 matrix ``(n, dim)`` of L2-normalised embeddings."""


class BackendUnavailable(CxlensError):
    """A text backend cannot run here (missing extra, no GPU, unsupported CPU ...).

    The message says what is missing and how to get it; cxlens never falls back silently
    to another backend.
    """

    http_status = 503
    error_code = "text_backend_unavailable"


@dataclass(frozen=True, slots=True)
class LanguageGuess:
    """The language of a text (ISO 639-1) and a confidence in [0, 1].

    ``language`` is ``None`` when the text is too short, has no letters or mixes languages.
    """

    language: str | None
    confidence: float


@dataclass(frozen=True, slots=True)
class ThemeHit:
    """One theme found in a comment, its similarity score and its aspect-level sentiment."""

    theme: str
    score: float
    sentiment: Sentiment
    sentiment_score: float

    def to_json(self) -> dict[str, Any]:
        """The theme object of the ``--jsonl`` output."""
        return {"theme": self.theme, "score": round(self.score, 2), "sentiment": self.sentiment}


@dataclass(frozen=True, slots=True)
class CommentAnalysis:
    """Everything cxlens understood about one comment.

    ``sentiment_score`` runs from -1 (very negative) to 1 (very positive); ``model`` is the
    ``name@version`` of the backend that produced the result.
    """

    language: str | None
    language_confidence: float
    sentiment: Sentiment
    sentiment_score: float
    themes: tuple[ThemeHit, ...]
    model: str

    def to_json(self, row: int | None = None) -> dict[str, Any]:
        """The stable JSON object of ``cxlens text analyze --jsonl`` (``row`` first)."""
        return {
            "row": row,
            "language": self.language,
            "language_confidence": round(self.language_confidence, 2),
            "sentiment": self.sentiment,
            "sentiment_score": round(self.sentiment_score, 2),
            "themes": [hit.to_json() for hit in self.themes],
            "model": self.model,
        }


@runtime_checkable
class TextAnalyzer(Protocol):
    """Analyses comments: language, sentiment, themes with aspect sentiment."""

    name: str
    version: str

    def analyze(
        self, texts: Sequence[str], *, languages: Sequence[str | None] | None = None
    ) -> list[CommentAnalysis]:
        """Analyse ``texts``; ``languages`` (same length) overrides detection where known."""
        ...


@runtime_checkable
class Embedder(Protocol):
    """Turns texts into L2-normalised float32 vectors ``(n, dim)`` (e5 family)."""

    name: str
    dim: int

    def embed(self, texts: Sequence[str], *, kind: EmbeddingKind) -> Vectors:
        """Embed ``texts`` with the e5 ``query: `` or ``passage: `` prefix."""
        ...
