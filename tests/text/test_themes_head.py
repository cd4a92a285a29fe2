from __future__ import annotations

import numpy as np
import pytest

from cxlens.core.errors import InputError
from cxlens.text import (
    HIT,
    DefaultAnalyzer,
    E5Embedder,
    Theme,
    default_taxonomy,
    embed_taxonomy,
    score_themes,
    theme_hits,
)
from cxlens.text.theme_head import (
    ThemeHead,
    default_theme_head,
    theme_fingerprint,
    train_theme_head,
)
from cxlens.text.themes import text_similarities, theme_similarities
from cxlens.text.train_themes import (
    THEME_HEAD_VERSION,
    TRAINING_LANGUAGES,
    parse_theme_sentences,
    recombine,
    shipped_theme_sentences,
    training_set,
)

from .conftest import CountingEmbedder


def test_the_shipped_head_is_versioned_and_knows_every_default_theme() -> None:
    head = default_theme_head()
    assert head is not None
    assert head.version == THEME_HEAD_VERSION
    taxonomy = default_taxonomy()
    assert head.keys == taxonomy.keys
    assert (head.rows_for(taxonomy) == np.arange(len(taxonomy))).all()
    assert head.weights.shape == (len(taxonomy), 384)
    again = ThemeHead.load(head.save())
    assert (again.keys, again.fingerprints, again.version) == (
        head.keys,
        head.fingerprints,
        head.version,
    )
    assert np.array_equal(again.weights, head.weights) and np.array_equal(again.bias, head.bias)


def test_the_model_stamp_names_the_theme_head(analyzer: DefaultAnalyzer) -> None:
    assert f"+themes.{THEME_HEAD_VERSION}+head." in analyzer.model
    without = DefaultAnalyzer(embedder=analyzer.embedder, theme_head=None)
    assert "+themes." not in without.model


def test_an_edited_or_merged_theme_drops_its_head_row() -> None:
    taxonomy = default_taxonomy()
    head = default_theme_head()
    assert head is not None
    edited = taxonomy.edit("billing", description="Invoices of the gym membership")
    rows = head.rows_for(edited)
    assert rows[edited.keys.index("billing")] == -1
    assert (np.delete(rows, edited.keys.index("billing")) >= 0).all()
    merged = taxonomy.merge(["packaging"], into="shipping_delivery")
    assert head.rows_for(merged)[merged.keys.index("shipping_delivery")] == -1
    # examples learned from the team's labels keep the theme's meaning (and its head)
    theme = taxonomy.get("billing")
    learned = taxonomy.edit(
        "billing", examples={**theme.examples, "learned": ("charged twice again",)}
    )
    assert theme_fingerprint(learned.get("billing")) == theme_fingerprint(theme)
    assert head.rows_for(learned)[learned.keys.index("billing")] >= 0


def test_an_edited_theme_is_scored_by_similarity_alone(embedder: E5Embedder) -> None:
    cache: dict[str, np.ndarray] = {}
    taxonomy = default_taxonomy().edit(
        "waiting_time", description="Time spent waiting in queues or on hold."
    )
    vectors = embed_taxonomy(taxonomy, embedder, cache=cache)
    assert vectors.head_mask is not None
    column = vectors.keys.index("waiting_time")
    assert not vectors.head_mask[column]
    assert vectors.head_mask.sum() == len(taxonomy) - 1
    comments = embedder.embed(["I waited forty minutes in the queue"], kind="query")
    evidence = theme_similarities(comments, vectors)
    assert evidence[0, column] == pytest.approx(text_similarities(comments, vectors)[0, column])
    assert theme_hits(score_themes(comments, vectors), vectors.keys)[0][0][0] == "waiting_time"


def test_parking_is_found_without_reembedding_and_without_a_head(embedder: E5Embedder) -> None:
    counting = CountingEmbedder(embedder)
    cache: dict[str, np.ndarray] = {}
    taxonomy = default_taxonomy()
    embed_taxonomy(taxonomy, counting, cache=cache)
    comments = [
        "impossible to find a parking space near the shop",
        "nergens een parkeerplek te vinden bij de winkel",
    ]
    cached = counting.embed(comments, kind="query")
    counting.texts.clear()
    parking = Theme.create(
        "parking",
        "Parking at or near the place: spaces, car park, parking fees.",
        {"en": ("no parking spaces left",), "nl": ("geen parkeerplek te vinden",)},
    )
    after = embed_taxonomy(taxonomy.add(parking), counting, cache=cache)
    assert counting.texts == list(parking.texts())
    assert after.head_mask is not None and not after.head_mask[-1]
    scores = score_themes(cached, after)
    assert (scores[:, after.keys.index("parking")] >= HIT).all()


def test_training_is_deterministic_and_learns_separable_themes() -> None:
    rng = np.random.default_rng(0)
    centres = rng.normal(size=(3, 16))
    x = np.vstack([c + 0.3 * rng.normal(size=(20, 16)) for c in centres]).astype(np.float32)
    x /= np.linalg.norm(x, axis=1, keepdims=True)
    labels = np.zeros((60, 2), dtype=bool)
    labels[:20, 0] = True
    labels[20:40, 1] = True  # the last 20 rows are about no theme
    themes = [Theme.create("alpha"), Theme.create("beta")]
    first = train_theme_head(x, labels, themes, l2=1e-3, version="t")
    second = train_theme_head(x, labels, themes, l2=1e-3, version="t")
    assert np.array_equal(first.weights, second.weights)
    assert np.array_equal(first.bias, second.bias)
    predicted = first.logits(x) > 0
    assert (predicted == labels).mean() > 0.95
    with pytest.raises(ValueError):
        train_theme_head(x, labels[:, :1], themes)


def test_shipped_theme_sentences_cover_every_language_and_theme() -> None:
    sentences = shipped_theme_sentences()
    assert {s.language for s in sentences} == set(TRAINING_LANGUAGES)
    taxonomy = default_taxonomy()
    assert {k for s in sentences for k in s.themes} == set(taxonomy.keys)
    assert any(not s.themes for s in sentences)
    combos = recombine(sentences)
    assert combos == recombine(sentences)
    assert all(c.themes for c in combos)
    texts, labels = training_set(taxonomy, [*sentences, *combos])
    assert labels.shape == (len(texts), len(taxonomy))
    assert labels.sum(axis=0).min() >= 40


def test_theme_sentence_errors_name_the_problem() -> None:
    with pytest.raises(InputError, match="before any section"):
        parse_theme_sentences("a comment\n", "en", "en.txt")
    sentences = parse_theme_sentences("[parking]\nno spaces\n", "en")
    with pytest.raises(InputError, match="unknown theme 'parking'"):
        training_set(default_taxonomy(), sentences)
