from __future__ import annotations

import numpy as np
import pytest

from cxlens.demo.comments import LATE, NEGATIVE, NEUTRAL, POSITIVE, write_comments
from cxlens.demo.phrases import BANKS, TOPICS

LANGUAGES = ("en", "it", "ro", "nl", "fy", "fr", "de", "es")


def _many(language: str, n: int = 4_000, seed: int = 0) -> list[str]:
    rng = np.random.default_rng(seed)
    topics = rng.integers(0, len(TOPICS) + 1, n)
    sentiments = rng.integers(0, 3, n)
    return write_comments(rng, [language] * n, topics, sentiments)


def test_every_language_has_a_full_bank() -> None:
    assert set(BANKS) == set(LANGUAGES)
    for bank in BANKS.values():
        assert set(bank.topics) == set(TOPICS)
        for topic in bank.topics.values():
            assert topic["pos"] and topic["neg"]
        assert bank.late and bank.generic["pos"] and bank.generic["neg"] and bank.generic["neu"]


@pytest.mark.parametrize("language", LANGUAGES)
def test_comments_are_varied(language: str) -> None:
    comments = _many(language)
    assert all(c.strip() for c in comments)
    assert len(set(comments)) > 1_000  # hundreds of combinations, not a few fixed sentences


def test_comments_look_like_real_ones() -> None:
    comments = _many("en", 20_000)
    assert any(c[:1].islower() for c in comments)  # lowercase
    assert any(c[:1].isupper() for c in comments)
    assert any(ord(ch) > 0x1F000 for c in comments for ch in c)  # an emoji now and then
    assert any(c.isupper() for c in comments if any(ch.isalpha() for ch in c))  # SHOUTING
    words = {w.strip(".,!:()") for c in comments for w in c.lower().split()}
    assert words & {"thnaks", "teh", "tbh"} or any(len(w) > 3 and w not in _VOCAB for w in words)
    lengths = [len(c) for c in comments]
    assert min(lengths) < 20 and max(lengths) > 80


_VOCAB = {
    w.strip(".,!:()?")
    for bank in (BANKS["en"],)
    for frags in [
        *(f for t in bank.topics.values() for f in t.values()),
        bank.late,
        *bank.generic.values(),
        bank.openers,
        bank.closers_pos,
        bank.closers_neg,
    ]
    for frag in frags
    for w in frag.lower().split()
}


def test_sentiment_and_topic_choose_the_fragments() -> None:
    rng = np.random.default_rng(1)
    n = 500
    late = write_comments(rng, ["nl"] * n, np.full(n, LATE), np.full(n, NEGATIVE))
    assert (
        sum(
            (
                "laat" in c.lower()
                or "niks ontvangen" in c.lower()
                or "eeuwen" in c.lower()
                or "track" in c.lower()
            )
            for c in late
        )
        > 0.8 * n
    )
    happy = write_comments(rng, ["de"] * n, np.zeros(n, np.int64), np.full(n, POSITIVE))
    angry = write_comments(rng, ["de"] * n, np.zeros(n, np.int64), np.full(n, NEGATIVE))
    assert sum("danke" in c.lower() for c in happy) > sum("danke" in c.lower() for c in angry)
    mixed = write_comments(rng, ["fr"] * n, np.zeros(n, np.int64), np.full(n, NEUTRAL))
    assert sum(" mais " in c.lower() for c in mixed) > 0.3 * n


def test_same_generator_state_gives_same_comments() -> None:
    assert _many("ro", 300, seed=5) == _many("ro", 300, seed=5)
