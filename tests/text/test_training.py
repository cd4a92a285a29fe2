from __future__ import annotations

from collections import Counter

import numpy as np
import pytest

from cxlens.core.errors import InputError
from cxlens.text import E5Embedder, SentimentHead, default_head
from cxlens.text.training import (
    TRAINING_LANGUAGES,
    augment,
    parse_examples,
    shipped_examples,
    train_head,
)
from cxlens.text.types import SENTIMENTS

from .test_analyzer import HELD_OUT

MAIN = ("en", "it", "fr", "de", "es")


def test_shipped_examples_cover_eight_languages_and_three_labels() -> None:
    examples = shipped_examples()
    counts = Counter((e.language, e.label) for e in examples)
    for language in TRAINING_LANGUAGES:
        for label in ("negative", "neutral", "positive"):
            assert counts[language, label] >= (250 if language in MAIN else 135), (language, label)
    assert len(examples) >= 5000
    held_out = {text.lower() for _, text in HELD_OUT}
    assert not held_out & {e.text.lower() for e in examples}


def test_no_training_line_is_repeated_within_a_language() -> None:
    keys = Counter((e.language, e.text.lower()) for e in shipped_examples())
    assert [key for key, n in keys.items() if n > 1] == []


def test_a_hashtag_line_is_a_text_and_a_hash_space_line_a_comment() -> None:
    examples = parse_examples("# a comment\n#\n[negative]\n#fail again\n", "en")
    assert [e.text for e in examples] == ["#fail again"]


def test_augment_is_seeded_and_keeps_labels() -> None:
    base = shipped_examples(["en"])
    one, two = augment(base), augment(base)
    assert one == two and len(one) > len(base)
    assert {e.label for e in one[len(base) :]} <= {"negative", "positive"}


def test_parse_errors_name_the_line() -> None:
    with pytest.raises(InputError, match="row 1"):
        parse_examples("before any section", "en", "x.txt")
    with pytest.raises(InputError, match=r"\[angry\]"):
        parse_examples("[angry]\nfoo", "en", "x.txt")


def test_head_round_trips_through_bytes() -> None:
    head = default_head()
    again = SentimentHead.load(head.save())
    assert np.array_equal(again.weights, head.weights) and again.version == head.version


def test_training_needs_two_labels() -> None:
    with pytest.raises(InputError, match="too few"):
        train_head(np.zeros((3, 4), dtype=np.float32), ["neutral"] * 3)


def test_retraining_on_shipped_comments_agrees_with_the_shipped_head(
    embedder: E5Embedder,
) -> None:
    examples = shipped_examples()[::12]  # a twelfth, to keep the test fast
    vectors = embedder.embed([e.text for e in examples], kind="query")
    head = train_head(vectors, [e.label for e in examples], l2=2e-4)
    probe = embedder.embed([text for _, text in HELD_OUT], kind="query")
    mine = [label for label, _ in head.predict(probe)]
    shipped = [label for label, _ in default_head().predict(probe)]
    agree = sum(a == b for a, b in zip(mine, shipped, strict=True))
    assert agree >= 0.75 * len(HELD_OUT)


def test_training_is_deterministic() -> None:
    rng = np.random.default_rng(0)
    vectors = rng.normal(size=(60, 8)).astype(np.float32)
    labels = [SENTIMENTS[i % 3] for i in range(60)]
    one = train_head(vectors, labels, l2=1e-3, version="x")
    two = train_head(vectors, labels, l2=1e-3, version="x")
    assert np.array_equal(one.weights, two.weights) and np.array_equal(one.bias, two.bias)
