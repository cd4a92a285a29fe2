"""A tiny evaluation data folder in the real formats, and a small rule-based analyzer."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pytest

from cxlens.text.types import CommentAnalysis, Sentiment, ThemeHit

SEMEVAL_XML = """<?xml version='1.0' encoding='UTF-8'?>
<Reviews>
  <Review rid="r1">
    <sentences>
      <sentence id="r1:1">
        <text>The food was good but the staff were bad.</text>
        <Opinions>
          <Opinion target="food" category="FOOD#QUALITY" polarity="positive" from="4" to="8"/>
          <Opinion target="staff" category="SERVICE#GENERAL" polarity="negative" from="26" to="31"/>
        </Opinions>
      </sentence>
      <sentence id="r1:2">
        <text>Way too expensive, bad.</text>
        <Opinions>
          <Opinion target="NULL" category="RESTAURANT#PRICES" polarity="negative" from="0" to="0"/>
        </Opinions>
      </sentence>
      <sentence id="r1:3">
        <text>We came by car.</text>
      </sentence>
      <sentence id="r1:4" OutOfScope="TRUE">
        <text>Food food food.</text>
        <Opinions>
          <Opinion target="food" category="FOOD#QUALITY" polarity="positive" from="0" to="4"/>
        </Opinions>
      </sentence>
      <sentence id="r1:5">
        <text>A good place overall, the food was good.</text>
        <Opinions>
          <Opinion target="NULL" category="RESTAURANT#GENERAL" polarity="positive" from="0" to="0"/>
          <Opinion target="food" category="FOOD#STYLE_OPTIONS" polarity="conflict" from="0" to="0"/>
        </Opinions>
      </sentence>
    </sentences>
  </Review>
</Reviews>
"""


class KeywordAnalyzer:
    """A real, deliberately simple TextAnalyzer: English keywords decide everything."""

    name = "keywords"
    version = "1"

    def __init__(self) -> None:
        self.calls = 0

    def analyze(
        self, texts: Sequence[str], *, languages: Sequence[str | None] | None = None
    ) -> list[CommentAnalysis]:
        self.calls += 1
        return [self._one(t) for t in texts]

    def _one(self, text: str) -> CommentAnalysis:
        lower = text.lower()
        sentiment: Sentiment = (
            "negative" if "bad" in lower else "positive" if "good" in lower else "neutral"
        )
        hits: list[ThemeHit] = []
        if "food" in lower:
            hits.append(ThemeHit("product quality", 0.6, "positive", 0.5))
        if "staff" in lower:
            hits.append(ThemeHit("staff attitude", 0.5, "negative", -0.5))
        if "car" in lower:
            hits.append(ThemeHit("shipping & delivery", 0.9, "neutral", 0.0))
        return CommentAnalysis("en", 0.9, sentiment, 0.0, tuple(hits), "keywords@1")


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    """``umsab/english`` (4 tweets), ``umsab/french`` (2) and ``semeval2016`` (English)."""
    en = tmp_path / "umsab" / "english"
    en.mkdir(parents=True)
    (en / "test_text.txt").write_text("good day\nbad day\njust a day\ngood but bad\n", "utf-8")
    (en / "test_labels.txt").write_text("2\n0\n1\n2\n", "utf-8")
    fr = tmp_path / "umsab" / "french"
    fr.mkdir(parents=True)
    (fr / "test_text.txt").write_text("bon\nbad\n", "utf-8")
    (fr / "test_labels.txt").write_text("2\n0", "utf-8")  # no final newline, as in UMSAB
    sem = tmp_path / "semeval2016"
    sem.mkdir()
    (sem / "restaurants_english.xml").write_text(SEMEVAL_XML, "utf-8")
    return tmp_path
