from __future__ import annotations

import numpy as np

from cxlens.text import (
    HIT,
    E5Embedder,
    Theme,
    default_taxonomy,
    embed_taxonomy,
    score_themes,
    theme_hits,
)

from .conftest import CountingEmbedder

CLEAR = [
    ("shipping_delivery", "my parcel took three weeks to arrive"),
    ("staff_attitude", "Het personeel was erg behulpzaam"),
    ("website_app_usability", "l'application plante sans arrêt"),
    ("price_value", "viel zu teuer"),
    ("billing", "la factura estaba mal, me cobraron de más"),
    ("product_quality", "produsul s-a stricat după o săptămână"),
]


def test_clear_comments_hit_their_theme(embedder: E5Embedder) -> None:
    cache: dict[str, np.ndarray] = {}
    vectors = embed_taxonomy(default_taxonomy(), embedder, cache=cache)
    comments = embedder.embed([text for _, text in CLEAR], kind="query")
    scores = score_themes(comments, vectors)
    assert scores.shape == (len(CLEAR), len(vectors.keys))
    assert ((scores >= 0) & (scores <= 1)).all()
    for (expected, text), hits in zip(CLEAR, theme_hits(scores, vectors.keys), strict=True):
        assert hits and hits[0][0] == expected, (text, hits)


def test_a_new_theme_rescores_cached_comments_without_reembedding(embedder: E5Embedder) -> None:
    counting = CountingEmbedder(embedder)
    taxonomy = default_taxonomy()
    cache: dict[str, np.ndarray] = {}
    before = embed_taxonomy(taxonomy, counting, cache=cache)
    comments = ["there was nowhere to park the car", "parking at the store is a nightmare"]
    comment_vectors = counting.embed(comments, kind="query")  # the cached embeddings
    assert "parking" not in [k for hits in theme_hits(score_themes(comment_vectors, before),
                                                      before.keys) for k, _ in hits]  # fmt: skip
    counting.texts.clear()

    parking = Theme.create(
        "parking",
        "Parking at or near the store: spaces, car park, parking fees.",
        {"en": ("no parking spaces left",), "nl": ("geen parkeerplek te vinden",)},
    )
    after = embed_taxonomy(taxonomy.add(parking), counting, cache=cache)
    # only the new theme's texts were embedded, never the comments
    assert counting.texts == list(parking.texts())
    scores = score_themes(comment_vectors, after)
    column = after.keys.index("parking")
    assert (scores[:, column] >= HIT).all()
    found = theme_hits(scores, after.keys)
    assert found[0][0][0] == "parking"
    # the default "store environment" covers parking too: both may be hits
    assert all("parking" in [key for key, _ in hits[:2]] for hits in found)
