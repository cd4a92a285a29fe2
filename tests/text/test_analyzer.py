"""The default analyzer on comments it was not trained on (none of these are in data/)."""

from __future__ import annotations

import numpy as np
import pytest

from cxlens.demo.comments import LATE, NEGATIVE, write_comments
from cxlens.text import (
    CommentAnalysis,
    DefaultAnalyzer,
    TextAnalyzer,
    analyzer_for,
)
from cxlens.text.types import BackendUnavailable

HELD_OUT = [
    ("negative", "Absolutely terrible, my order never arrived"),
    ("positive", "Fantastic support, thanks a lot"),
    ("negative", "Il corriere ha perso il mio pacco, assurdo"),
    ("positive", "Servizio clienti fantastico, grazie"),
    ("negative", "Le service client est inutile"),
    ("positive", "Très contente, je recommande vivement"),
    ("negative", "Die Lieferung war eine Katastrophe"),
    ("positive", "Alles bestens, vielen Dank"),
    ("negative", "Qué desastre de atención"),
    ("positive", "Todo genial, muy recomendable"),
    ("negative", "Wat een slechte klantenservice"),
    ("positive", "Heel blij met mijn bestelling"),
    ("negative", "Nu mai comand niciodată de aici, bătaie de joc"),
    ("positive", "Sunt foarte mulțumit de comandă"),
    ("negative", "Skandalich, myn pakket is kwyt"),
    ("positive", "Tige tefreden, alles gie goed"),
]


def test_the_default_analyzer_meets_the_protocol(analyzer: DefaultAnalyzer) -> None:
    assert isinstance(analyzer, TextAnalyzer)
    assert analyzer.model.startswith("cxlens-e5@")


def test_unknown_backend_says_so() -> None:
    with pytest.raises(BackendUnavailable, match="unknown text backend"):
        analyzer_for("quantum")


def test_sentiment_on_held_out_comments(analyzer: DefaultAnalyzer) -> None:
    results = analyzer.analyze([text for _, text in HELD_OUT])
    right = sum(r.sentiment == label for (label, _), r in zip(HELD_OUT, results, strict=True))
    assert right >= 13, [(t, r.sentiment) for (_, t), r in zip(HELD_OUT, results, strict=True)]
    for (label, _), r in zip(HELD_OUT, results, strict=True):
        assert -1.0 <= r.sentiment_score <= 1.0
        if r.sentiment == label == "negative":
            assert r.sentiment_score < 0


def _theme(result: CommentAnalysis, name: str) -> str | None:
    return next((h.sentiment for h in result.themes if h.theme == name), None)


ASPECTS = [
    "the delivery was late but the staff were lovely",
    "la consegna era in ritardo ma il personale è stato gentilissimo",
    "die Lieferung kam zu spät, aber das Personal war sehr nett",
    "de levering was te laat maar het personeel was heel aardig",
]


def test_aspect_sentiment_in_several_languages(analyzer: DefaultAnalyzer) -> None:
    for text, result in zip(ASPECTS, analyzer.analyze(ASPECTS), strict=True):
        assert _theme(result, "shipping & delivery") == "negative", (text, result.themes)
        assert _theme(result, "staff attitude") == "positive", (text, result.themes)


def test_planted_late_delivery_comments_of_the_demo(analyzer: DefaultAnalyzer) -> None:
    languages = ["en", "it", "ro", "nl", "fy", "fr", "de", "es"]
    rng = np.random.default_rng(7)
    texts = write_comments(rng, languages, np.full(8, LATE), np.full(8, NEGATIVE))
    results = analyzer.analyze(texts)
    good = [
        r.sentiment == "negative" and _theme(r, "shipping & delivery") == "negative"
        for r in results
    ]
    assert sum(good) >= 6, list(zip(texts, [r.themes for r in results], strict=True))
    detected = [r.language for r in results]
    assert sum(d == lang for d, lang in zip(detected, languages, strict=True)) >= 6


def test_json_object_and_given_languages(analyzer: DefaultAnalyzer) -> None:
    [result] = analyzer.analyze(["Livrarea a întârziat două săptămâni"], languages=["ro"])
    data = result.to_json(row=3)
    assert list(data) == [
        "row", "language", "language_confidence", "sentiment", "sentiment_score", "themes",
        "model",
    ]  # fmt: skip
    assert data["row"] == 3 and data["language"] == "ro" and data["language_confidence"] == 1.0
    assert all(set(t) == {"theme", "score", "sentiment"} for t in data["themes"])


def test_empty_input(analyzer: DefaultAnalyzer) -> None:
    assert analyzer.analyze([]) == []
