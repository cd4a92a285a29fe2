from __future__ import annotations

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

from .test_analyzer import HELD_OUT


def test_shipped_examples_cover_eight_languages_and_three_labels() -> None:
    examples = shipped_examples()
    for language in TRAINING_LANGUAGES:
        labels = {e.label for e in examples if e.language == language}
        assert labels == {"negative", "neutral", "positive"}
    assert len(examples) >= 300
    held_out = {text.lower() for _, text in HELD_OUT}
    assert not held_out & {e.text.lower() for e in examples}


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
    examples = shipped_examples()[::4]  # a quarter, to keep the test fast
    vectors = embedder.embed([e.text for e in examples], kind="query")
    head = train_head(vectors, [e.label for e in examples], l2=2e-4)
    probe = embedder.embed([text for _, text in HELD_OUT], kind="query")
    mine = [label for label, _ in head.predict(probe)]
    shipped = [label for label, _ in default_head().predict(probe)]
    agree = sum(a == b for a, b in zip(mine, shipped, strict=True))
    assert agree >= 0.75 * len(HELD_OUT)
