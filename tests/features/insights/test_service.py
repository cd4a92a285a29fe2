"""Comments analysed and stored per model; themes re-scored from cached vectors (both DBs)."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from cxlens.features.insights import add_theme, analyse_pending, pending_count, rescore
from cxlens.features.insights import repository as repo
from cxlens.models.text import TextAnalysis, TextEmbedding, TextThemeHit

from .helpers import OTHER, PARKING, CountingEmbedder, add_comments, text_models


def test_comments_are_analysed_once_per_model_and_cached_as_int8(session: Session) -> None:
    ids = add_comments(session, OTHER + PARKING)
    text = text_models()
    first = analyse_pending(session, text, batch=100)
    again = analyse_pending(session, text, batch=100)
    assert first.analysed == len(ids) and again.analysed == 0
    assert first.model.startswith("cxlens-e5@")
    assert pending_count(session, text)[0] == 0
    rows = session.execute(select(TextAnalysis)).scalars().all()
    assert {r.answer_id for r in rows} == set(ids)
    assert all(
        r.model == first.model and r.sentiment in {"negative", "neutral", "positive"} for r in rows
    )
    vectors = session.execute(select(TextEmbedding)).scalars().all()
    assert len(vectors) == len(ids) and all(len(v.vector) == 384 for v in vectors)


def test_a_new_theme_appears_after_adding_it_without_re_embedding(session: Session) -> None:
    ids = add_comments(session, OTHER + PARKING)
    text = text_models()
    analyse_pending(session, text, batch=100)
    assert isinstance(text.embedder, CountingEmbedder)
    comments_before = len(text.embedder.embedded)
    parking_hits = (
        select(func.count()).select_from(TextThemeHit).where(TextThemeHit.theme_key == "parking")
    )
    assert session.execute(parking_hits).scalar_one() == 0
    theme = add_theme(
        session,
        "Parking",
        "parking the car near the shop",
        ["parking lot full", "no parking spaces"],
    )
    rescored = rescore(session, text)
    assert rescored == len(ids)
    new_texts = text.embedder.embedded[comments_before:]
    assert not set(new_texts) & set(OTHER + PARKING)  # only the theme's texts were embedded
    assert len(new_texts) <= 3
    latest = repo.latest_analyses(session, ids)
    hits = repo.hits_of(session, [a.id for a in latest.values()])
    with_parking = {
        a.answer_id for a in latest.values() if any(h.theme_key == theme.key for h in hits[a.id])
    }
    assert with_parking == set(ids[len(OTHER) :])
