from __future__ import annotations

from cxlens.text.eval.data import Opinion, Sentence
from cxlens.text.eval.themes import (
    DEFAULT_MAPPING,
    aspect_polarities,
    gold_themes,
    theme_correct,
    themes_of,
)
from cxlens.text.types import CommentAnalysis, ThemeHit


def _result(*hits: ThemeHit, sentiment: str = "neutral") -> CommentAnalysis:
    return CommentAnalysis("en", 1.0, sentiment, 0.0, hits, "t@1")  # type: ignore[arg-type]


def test_prices_attribute_wins_over_the_entity() -> None:
    assert themes_of(Opinion("FOOD#PRICES", "negative"), DEFAULT_MAPPING) == ("price & value",)
    assert themes_of(Opinion("FOOD#QUALITY", "negative"), DEFAULT_MAPPING) == ("product quality",)
    assert themes_of(Opinion("RESTAURANT#GENERAL", "positive"), DEFAULT_MAPPING) == ()


def test_theme_accuracy_looks_at_the_top_mapped_theme_only() -> None:
    s = Sentence("1", "x", (Opinion("SERVICE#GENERAL", "negative"),))
    assert gold_themes(s, DEFAULT_MAPPING) == {"staff attitude", "waiting time"}
    unmapped_top = ThemeHit("shipping & delivery", 0.9, "negative", -1.0)
    waiting = ThemeHit("waiting time", 0.4, "negative", -1.0)
    quality = ThemeHit("product quality", 0.5, "positive", 1.0)
    assert theme_correct(s, _result(unmapped_top, waiting), DEFAULT_MAPPING) is True
    assert theme_correct(s, _result(waiting, quality), DEFAULT_MAPPING) is False
    assert theme_correct(s, _result(unmapped_top), DEFAULT_MAPPING) is False
    general = Sentence("2", "x", (Opinion("RESTAURANT#GENERAL", "positive"),))
    assert theme_correct(general, _result(quality), DEFAULT_MAPPING) is None


def test_aspect_polarity_uses_the_hit_or_the_sentence() -> None:
    s = Sentence(
        "1",
        "x",
        (
            Opinion("FOOD#QUALITY", "positive"),
            Opinion("SERVICE#GENERAL", "negative"),
            Opinion("AMBIENCE#GENERAL", "conflict"),
        ),
    )
    result = _result(ThemeHit("product quality", 0.5, "positive", 1.0), sentiment="neutral")
    assert aspect_polarities(s, result, DEFAULT_MAPPING) == [
        ("positive", "positive"),
        ("negative", "neutral"),
    ]
