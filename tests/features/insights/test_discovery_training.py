"""Discovery proposes themes from unthemed comments; labels train a company head."""

from __future__ import annotations

import numpy as np
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from cxlens.db import read_only, unit_of_work
from cxlens.features.insights import (
    accept_theme,
    add_label,
    add_theme,
    analyse_pending,
    delete_theme,
    discover,
    find_clusters,
    rescore,
    store_proposals,
    train,
)
from cxlens.features.insights import repository as repo
from cxlens.features.insights.training import best_threshold

from .helpers import add_comments, text_models

QUEUE = [f"queue at the bakery counter took forever {i}" for i in range(6)]
WIFI = [f"free wifi in the lounge kept dropping {i}" for i in range(6)]


def test_unthemed_comments_become_proposals_applied_only_when_accepted(session: Session) -> None:
    text = text_models()
    add_theme(session, "Parking", "parking", ["parking lot full"])
    for theme in repo.themes(session):
        if theme.key != "parking":
            delete_theme(session, theme.key)
    add_comments(session, QUEUE + WIFI)
    analyse_pending(session, text, batch=100)
    proposals = discover(session, text, min_size=4)
    assert len(proposals) >= 1
    words = {w for p in proposals for w in p.keywords}
    assert words & {"queue", "bakery", "counter", "wifi", "lounge", "dropping"}
    assert all(len(p.verbatims) == 3 for p in proposals)
    assert [t.key for t in repo.themes(session, status="proposed")] == [p.key for p in proposals]
    assert all(t.key not in {p.key for p in proposals} for t in repo.themes(session))
    accept_theme(session, proposals[0].key)
    rescore(session, text)
    assert proposals[0].key in {t.key for t in repo.themes(session)}


def test_labels_train_a_company_head_that_changes_the_model(session: Session) -> None:
    text = text_models()
    ids = add_comments(
        session,
        [f"the parcel arrived squashed {i}" for i in range(4)]
        + [f"amazing friendly team {i}" for i in range(4)],
    )
    before = analyse_pending(session, text, batch=100).model
    for answer_id in ids[:4]:
        add_label(session, answer_id, sentiment="negative", labelled_by="anna")
    for answer_id in ids[4:]:
        add_label(session, answer_id, sentiment="positive", labelled_by="anna")
    report = train(session, text)
    assert report.labels == 8 and report.head_version == 1
    assert report.accuracy_head is not None and report.accuracy_base is not None
    assert report.accuracy_head >= report.accuracy_base and report.head_active
    after = analyse_pending(session, text, batch=100)
    assert after.model != before and after.model.endswith("head.company-1")
    assert after.analysed == 8  # re-analysis is a batch job under the new model
    latest = repo.latest_analyses(session, ids)
    assert {latest[i].sentiment for i in ids[:4]} == {"negative"}
    assert {latest[i].sentiment for i in ids[4:]} == {"positive"}


def test_best_threshold_separates_labelled_scores() -> None:
    scores = np.array([0.95, 0.9, 0.7, 0.6], dtype=np.float32)
    truth = np.array([True, True, False, False])
    assert 0.7 < best_threshold(scores, truth) < 0.9


def test_clusters_are_found_reading_only_then_stored_in_a_short_write(
    migrated_engine: Engine,
) -> None:
    text = text_models()
    with unit_of_work(migrated_engine) as session:
        add_theme(session, "Parking", "parking", ["parking lot full"])
        for theme in repo.themes(session):
            if theme.key != "parking":
                delete_theme(session, theme.key)
        add_comments(session, QUEUE + WIFI)
        analyse_pending(session, text, batch=100)
    with read_only(migrated_engine) as session:  # a write here would fail
        clusters = find_clusters(session, text, min_size=4)
    with read_only(migrated_engine) as session:
        assert repo.themes(session, status="proposed") == []
    with unit_of_work(migrated_engine) as session:
        first = store_proposals(session, text, clusters)
    with unit_of_work(migrated_engine) as session:
        again = store_proposals(session, text, clusters)  # replaces, same keys
        stored = [t.key for t in repo.themes(session, status="proposed")]
    assert first and [p.key for p in first] == [p.key for p in again] == stored
    assert [p.size for p in first] == sorted((p.size for p in first), reverse=True)
