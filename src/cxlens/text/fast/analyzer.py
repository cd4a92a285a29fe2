"""The fast path: the :class:`~cxlens.text.types.TextAnalyzer` for bulk backfills.

Language comes from py3langid as in the default analyzer; sentiment and theme scores come
from a linear model over hashed character n-grams distilled from the default analyzer
(``python -m cxlens.text.fast.train``). Aspect sentiment works as in the default: a
multi-clause comment's theme hits take the sentiment of the clauses that mention them.
"""

from __future__ import annotations

from collections.abc import Sequence
from importlib import resources

import numpy as np

from cxlens.text.aspects import aspect_hits
from cxlens.text.clauses import split_clauses
from cxlens.text.fast.model import FastModel
from cxlens.text.language import detect_language
from cxlens.text.sentiment import label_and_score
from cxlens.text.types import BackendUnavailable, CommentAnalysis, LanguageGuess

NAME = "cxlens-fast"
#: The shipped weights, inside this package.
WEIGHTS_FILE = "weights.npz"


class FastAnalyzer:
    """Character n-gram linear model distilled from the default analyzer (CPU, no e5)."""

    name = NAME

    def __init__(self, model: FastModel) -> None:
        self.weights = model
        self.version = model.version

    @classmethod
    def load(cls) -> FastAnalyzer:
        """The analyzer with the shipped weights; :class:`BackendUnavailable` if they are gone."""
        path = resources.files("cxlens.text.fast").joinpath(WEIGHTS_FILE)
        if not path.is_file():
            raise BackendUnavailable(
                f"the fast-path weights {WEIGHTS_FILE} are missing from cxlens/text/fast; "
                "run: python -m cxlens.text.fast.train"
            )
        return cls(FastModel.from_bytes(path.read_bytes()))

    @property
    def model(self) -> str:
        """``name@version`` stored with every result."""
        return f"{self.name}@{self.version}"

    @property
    def themes(self) -> tuple[str, ...]:
        """The theme names the model scores (those of the taxonomy it was distilled with)."""
        return self.weights.themes

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
        clause_texts: list[str] = []
        owner: list[int] = []
        for index, (text, guess) in enumerate(zip(texts, guesses, strict=True)):
            clauses = split_clauses(text, guess.language)
            if len(clauses) > 1:
                clause_texts.extend(clauses)
                owner.extend([index] * len(clauses))
        probs, scores = self.weights.predict([*texts, *clause_texts])
        n = len(texts)
        clause_owner = np.asarray(owner, dtype=np.intp)
        starts = np.searchsorted(clause_owner, np.arange(n + 1))
        out: list[CommentAnalysis] = []
        names = self.weights.themes
        for i, guess in enumerate(guesses):
            label, value = label_and_score(probs[i])
            rows = np.arange(n + starts[i], n + starts[i + 1], dtype=np.intp)
            out.append(
                CommentAnalysis(
                    language=guess.language,
                    language_confidence=guess.confidence,
                    sentiment=label,
                    sentiment_score=value,
                    themes=aspect_hits(scores[i], probs[i], rows, scores, probs, names),
                    model=self.model,
                )
            )
        return out
