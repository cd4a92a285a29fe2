"""How SemEval-2016 restaurant categories map onto cxlens themes, and how a hit is scored.

SemEval labels each opinion ``ENTITY#ATTRIBUTE``. The mapping (documented in
docs/text-analytics.md, "Evaluation"):

======================  ==========================================
SemEval                 cxlens theme(s) of the default taxonomy
======================  ==========================================
``*#PRICES``            price & value (the attribute wins)
``FOOD``, ``DRINKS``    product quality
``SERVICE``             staff attitude, waiting time (either)
``AMBIENCE``            store environment
``LOCATION``            store environment
``RESTAURANT``          — (general or miscellaneous: no theme)
======================  ==========================================

**Theme accuracy** is measured on the sentences with at least one mapped opinion: a
sentence counts as right when the analyzer's highest-scoring theme *among the mapped
themes* (a restaurant would delete the rest of the taxonomy) is one of its gold themes.
A sentence where the analyzer finds none of the mapped themes counts as wrong.

**Aspect polarity accuracy** is measured on every opinion whose polarity is negative,
neutral or positive (``conflict`` is left out, as in SemEval): the predicted polarity is the
aspect sentiment of the best-scoring hit among the opinion's themes, or the sentence's
sentiment when the analyzer found none of them (or the category maps to no theme).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from cxlens.text.eval.data import Opinion, Sentence
from cxlens.text.types import CommentAnalysis, ThemeHit

PRICE = "price & value"
QUALITY = "product quality"
STAFF = "staff attitude"
WAITING = "waiting time"
ENVIRONMENT = "store environment"

#: SemEval entity (or ``PRICES`` attribute) → the themes that count as a match.
DEFAULT_MAPPING: dict[str, tuple[str, ...]] = {
    "PRICES": (PRICE,),
    "FOOD": (QUALITY,),
    "DRINKS": (QUALITY,),
    "SERVICE": (STAFF, WAITING),
    "AMBIENCE": (ENVIRONMENT,),
    "LOCATION": (ENVIRONMENT,),
    "RESTAURANT": (),
}

POLARITIES = ("negative", "neutral", "positive")


def themes_of(opinion: Opinion, mapping: Mapping[str, tuple[str, ...]]) -> tuple[str, ...]:
    """The themes that match ``opinion`` (the ``PRICES`` attribute takes precedence)."""
    if opinion.attribute == "PRICES" and "PRICES" in mapping:
        return mapping["PRICES"]
    return mapping.get(opinion.entity, ())


def gold_themes(sentence: Sentence, mapping: Mapping[str, tuple[str, ...]]) -> frozenset[str]:
    """Every theme that matches one of the sentence's opinions."""
    return frozenset(t for op in sentence.opinions for t in themes_of(op, mapping))


def candidates(mapping: Mapping[str, tuple[str, ...]]) -> frozenset[str]:
    """The themes the mapping uses: the only ones the theme accuracy looks at."""
    return frozenset(t for themes in mapping.values() for t in themes)


def best_hit(hits: Sequence[ThemeHit], allowed: frozenset[str]) -> ThemeHit | None:
    """The highest-scoring hit whose theme is in ``allowed`` (``None`` when none is)."""
    kept = [h for h in hits if h.theme in allowed]
    return max(kept, key=lambda h: h.score) if kept else None


def theme_correct(
    sentence: Sentence, result: CommentAnalysis, mapping: Mapping[str, tuple[str, ...]]
) -> bool | None:
    """Whether the top mapped theme is a gold theme; ``None`` if the sentence has no gold."""
    gold = gold_themes(sentence, mapping)
    if not gold:
        return None
    top = best_hit(result.themes, candidates(mapping))
    return top is not None and top.theme in gold


def top_theme(result: CommentAnalysis, mapping: Mapping[str, tuple[str, ...]]) -> str | None:
    """The predicted theme the accuracy looks at (for agreement between analyzers)."""
    top = best_hit(result.themes, candidates(mapping))
    return top.theme if top else None


def aspect_polarities(
    sentence: Sentence, result: CommentAnalysis, mapping: Mapping[str, tuple[str, ...]]
) -> list[tuple[str, str]]:
    """``(gold, predicted)`` polarity for each opinion of the sentence, ``conflict`` left out."""
    pairs: list[tuple[str, str]] = []
    for op in sentence.opinions:
        if op.polarity not in POLARITIES:
            continue
        hit = best_hit(result.themes, frozenset(themes_of(op, mapping)))
        pairs.append((op.polarity, hit.sentiment if hit else result.sentiment))
    return pairs
