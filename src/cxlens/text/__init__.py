"""Text analytics: language, sentiment, themes and aspect sentiment of customer comments.

Pure (imports only :mod:`cxlens.core`), offline (models ship with the packages), and
behind one Protocol (:class:`TextAnalyzer`) so faster or heavier backends plug in.

>>> from cxlens.text import default_analyzer
>>> analyzer = default_analyzer()                                     # doctest: +SKIP
>>> analyzer.analyze(["the delivery was late but the staff were lovely"])  # doctest: +SKIP
"""

from __future__ import annotations

from cxlens.text.analyzer import DefaultAnalyzer, Embedded, default_analyzer
from cxlens.text.backends import Backend, analyzer_for
from cxlens.text.clauses import split_clauses
from cxlens.text.embeddings import E5Embedder
from cxlens.text.language import LANGUAGES, detect_language, detect_languages
from cxlens.text.sentiment import SentimentHead, default_head
from cxlens.text.taxonomy import Taxonomy, Theme, default_taxonomy, theme_key
from cxlens.text.theme_head import ThemeHead, default_theme_head
from cxlens.text.themes import (
    HIT,
    TaxonomyVectors,
    embed_taxonomy,
    score_themes,
    theme_hits,
    theme_similarities,
)
from cxlens.text.types import (
    SENTIMENTS,
    BackendUnavailable,
    CommentAnalysis,
    Embedder,
    LanguageGuess,
    Sentiment,
    TextAnalyzer,
    ThemeHit,
    Vectors,
)

__all__ = [
    "HIT",
    "LANGUAGES",
    "SENTIMENTS",
    "Backend",
    "BackendUnavailable",
    "CommentAnalysis",
    "DefaultAnalyzer",
    "E5Embedder",
    "Embedded",
    "Embedder",
    "LanguageGuess",
    "Sentiment",
    "SentimentHead",
    "Taxonomy",
    "TaxonomyVectors",
    "TextAnalyzer",
    "Theme",
    "ThemeHead",
    "ThemeHit",
    "Vectors",
    "analyzer_for",
    "default_analyzer",
    "default_head",
    "default_taxonomy",
    "default_theme_head",
    "detect_language",
    "detect_languages",
    "embed_taxonomy",
    "score_themes",
    "split_clauses",
    "theme_hits",
    "theme_key",
    "theme_similarities",
]
