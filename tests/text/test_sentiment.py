"""The shipped sentiment head: versioned, loads, and reads clear comments in 8 languages."""

from __future__ import annotations

import numpy as np
import pytest

from cxlens.text import E5Embedder, SentimentHead, default_head
from cxlens.text.sentiment import label_and_score
from cxlens.text.train_default import HEAD_VERSION
from cxlens.text.training import TRAINING_LANGUAGES, shipped_examples

# Written for this test; none of them is a training line (checked below).
CLEAR = [
    ("en", "negative", "Dreadful experience, I am never ordering from them again"),
    ("en", "positive", "What a wonderful surprise, I'm delighted"),
    ("it", "negative", "Servizio vergognoso, sono furioso"),
    ("it", "positive", "Esperienza meravigliosa, tutto perfetto"),
    ("fr", "negative", "Quelle honte, le pire achat de ma vie"),
    ("fr", "positive", "Un moment merveilleux, je suis enchantée"),
    ("de", "negative", "Absolut furchtbar, ich bin stinksauer"),
    ("de", "positive", "Wunderbar, ich bin total begeistert"),
    ("es", "negative", "Un servicio penoso, estoy indignada"),
    ("es", "positive", "Una experiencia maravillosa, todo genial"),
    ("nl", "negative", "Verschrikkelijk, ik ben woedend"),
    ("nl", "positive", "Fantastisch, ik ben er ontzettend blij mee"),
    ("ro", "negative", "Oribil, sunt extrem de nervos"),
    ("ro", "positive", "Minunat, sunt foarte fericită"),
    ("fy", "negative", "Ferskriklik, ik bin poerlilk"),
    ("fy", "positive", "Prachtich, ik bin tige bliid"),
]
NEUTRAL = [
    ("en", "The meeting starts at ten on Thursday."),
    ("de", "Der Zug nach Bremen fährt um 9 Uhr von Gleis 2."),
    ("fr", "La bibliothèque ouvre à 9 h le samedi."),
]


def test_the_shipped_head_is_version_3_and_matches_train_default() -> None:
    head = default_head()
    assert head.version == HEAD_VERSION == "3"
    assert head.weights.shape == (3, 384) and head.bias.shape == (3,)
    assert np.isfinite(head.weights).all()


def test_probe_texts_are_not_training_lines() -> None:
    training = {e.text.lower() for e in shipped_examples()}
    probes = [t for _, _, t in CLEAR] + [t for _, t in NEUTRAL]
    assert not training & {t.lower() for t in probes}


def test_clear_polarity_in_every_training_language(embedder: E5Embedder) -> None:
    assert {lang for lang, _, _ in CLEAR} == set(TRAINING_LANGUAGES)
    vectors = embedder.embed([text for _, _, text in CLEAR], kind="query")
    predicted = default_head().predict(vectors)
    wrong = [
        (lang, text, label, score)
        for (lang, want, text), (label, score) in zip(CLEAR, predicted, strict=True)
        if label != want or (score < 0) != (want == "negative")
    ]
    assert not wrong


def test_plain_facts_are_neutral(embedder: E5Embedder) -> None:
    vectors = embedder.embed([text for _, text in NEUTRAL], kind="query")
    labels = [label for label, _ in default_head().predict(vectors)]
    assert labels == ["neutral"] * len(NEUTRAL)


@pytest.mark.parametrize(
    ("row", "label"),
    [([0.7, 0.2, 0.1], "negative"), ([0.1, 0.8, 0.1], "neutral"), ([0.0, 0.1, 0.9], "positive")],
)
def test_label_and_score(row: list[float], label: str) -> None:
    got, score = label_and_score(np.asarray(row, dtype=np.float32))
    assert got == label and -1.0 <= score <= 1.0
    assert score == pytest.approx(row[2] - row[0])


def test_probabilities_sum_to_one() -> None:
    head = SentimentHead(np.eye(3, 4, dtype=np.float32), np.zeros(3, dtype=np.float32))
    p = head.probabilities(np.ones((2, 4), dtype=np.float32))
    assert np.allclose(p.sum(axis=1), 1.0)
