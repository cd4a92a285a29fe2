"""Run an analyzer over the evaluation sets and score it.

The analyzer sees only the texts; languages are detected as they would be in production.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from cxlens.text.eval.data import (
    SEMEVAL_FILES,
    UMSAB_LANGUAGES,
    read_semeval,
    read_umsab,
    umsab_paths,
)
from cxlens.text.eval.metrics import accuracy, macro_f1
from cxlens.text.eval.themes import DEFAULT_MAPPING, aspect_polarities, theme_correct, top_theme
from cxlens.text.types import SENTIMENTS, CommentAnalysis, TextAnalyzer

Progress = Callable[[str], None]


@dataclass(frozen=True, slots=True)
class UmsabScore:
    """Macro-F1 of one UMSAB language, and the predicted labels."""

    language: str
    n: int
    macro_f1: float
    predicted: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class SemevalScore:
    """Theme and aspect-polarity accuracy on one SemEval-2016 file."""

    language: str
    sentences: int
    theme_accuracy: float
    opinions: int
    polarity_accuracy: float
    top_themes: tuple[str | None, ...]
    sentiments: tuple[str, ...]


@dataclass(slots=True)
class Evaluation:
    """Every score of one analyzer (``model`` is ``name@version``)."""

    model: str
    umsab: dict[str, UmsabScore] = field(default_factory=dict)
    semeval: dict[str, SemevalScore] = field(default_factory=dict)
    texts: int = 0
    seconds: float = 0.0

    @property
    def umsab_mean(self) -> float:
        """The unweighted mean of the per-language macro-F1 (``nan`` without languages)."""
        scores = [s.macro_f1 for s in self.umsab.values()]
        return sum(scores) / len(scores) if scores else float("nan")


def _analyze(
    analyzer: TextAnalyzer, texts: Sequence[str], batch_size: int, label: str, progress: Progress
) -> list[CommentAnalysis]:
    out: list[CommentAnalysis] = []
    for start in range(0, len(texts), batch_size):
        out.extend(analyzer.analyze(list(texts[start : start + batch_size])))
        progress(f"{analyzer.name} {label}: {len(out)}/{len(texts)}")
    return out


def _quiet(_: str) -> None:
    return None


def evaluate(
    analyzer: TextAnalyzer,
    root: Path,
    *,
    limit: int | None = None,
    mapping: Mapping[str, tuple[str, ...]] = DEFAULT_MAPPING,
    batch_size: int = 256,
    progress: Progress = _quiet,
) -> Evaluation:
    """Score ``analyzer`` on the UMSAB and SemEval-2016 files found under ``root``.

    Sets whose files are missing are skipped; ``limit`` keeps the first rows of each.
    """
    result = Evaluation(model=f"{analyzer.name}@{analyzer.version}")
    t0 = time.perf_counter()
    for language in UMSAB_LANGUAGES:
        text_file, label_file = umsab_paths(root, language)
        if not (text_file.is_file() and label_file.is_file()):
            continue
        items = read_umsab(text_file, label_file)[:limit]
        found = _analyze(
            analyzer, [i.text for i in items], batch_size, f"umsab {language}", progress
        )
        predicted = tuple(r.sentiment for r in found)
        gold = [i.label for i in items]
        result.umsab[language] = UmsabScore(
            language, len(items), macro_f1(gold, predicted, SENTIMENTS), predicted
        )
        result.texts += len(items)
    for language, name in SEMEVAL_FILES.items():
        path = root / "semeval2016" / name
        if not path.is_file():
            continue
        sentences = read_semeval(path)[:limit]
        found = _analyze(
            analyzer, [s.text for s in sentences], batch_size, f"semeval {language}", progress
        )
        themes = [theme_correct(s, r, mapping) for s, r in zip(sentences, found, strict=True)]
        judged = [t for t in themes if t is not None]
        pairs = [
            p
            for s, r in zip(sentences, found, strict=True)
            for p in aspect_polarities(s, r, mapping)
        ]
        result.semeval[language] = SemevalScore(
            language=language,
            sentences=len(judged),
            theme_accuracy=accuracy(judged),
            opinions=len(pairs),
            polarity_accuracy=accuracy([g == p for g, p in pairs]),
            top_themes=tuple(top_theme(r, mapping) for r in found),
            sentiments=tuple(r.sentiment for r in found),
        )
        result.texts += len(sentences)
    result.seconds = time.perf_counter() - t0
    return result
