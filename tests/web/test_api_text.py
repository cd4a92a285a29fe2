"""The text API over HTTP: comments with analyses, a new theme applied by the worker, labels."""

from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy import Engine

from cxlens.core.settings import Settings
from cxlens.core.vocabulary import Role
from cxlens.db import unit_of_work
from cxlens.features.insights import RESCORE, add_theme, analyse_pending, delete_theme, repository
from cxlens.features.insights.tasks import register
from cxlens.jobs import HandlerRegistry
from cxlens.models import Job
from cxlens.web.api_text import router
from cxlens.web.app import create_app
from cxlens.worker import Worker
from features.insights.helpers import OTHER, PARKING, add_comments, text_models
from web.tokens import authorise


def test_a_theme_added_over_the_api_shows_in_the_comments(
    migrated_engine: Engine, migrated_database_url: str, tmp_path: Path
) -> None:
    text = text_models()
    with unit_of_work(migrated_engine) as session:
        ids = add_comments(session, OTHER + PARKING)
        analyse_pending(session, text, batch=100)
    app = create_app(Settings(data_dir=tmp_path, database_url=migrated_database_url))
    app.include_router(router)
    app.state.text_models = text
    with TestClient(app) as client:
        authorise(client, Role.ANALYST)
        everything = client.get("/api/v1/comments").json()
        added = client.post(
            "/api/v1/themes",
            json={
                "name": "Parking",
                "description": "parking the car near the shop",
                "examples": ["parking lot full", "no parking spaces"],
            },
        )
        again = client.post("/api/v1/themes", json={"name": "Parking"})
        before = client.get("/api/v1/comments", params={"theme": "parking"}).json()
        with unit_of_work(migrated_engine) as session:  # the re-scoring waits in the queue
            queued = session.query(Job).filter_by(kind=RESCORE).count()
        registry = HandlerRegistry()
        register(registry, Settings(), models=text)
        jobs = Worker(migrated_engine, registry=registry).drain()
        parking = client.get("/api/v1/comments", params={"theme": "parking"}).json()
        label = client.post(f"/api/v1/comments/{ids[0]}/labels", json={"sentiment": "negative"})
        bad = client.post(f"/api/v1/comments/{ids[0]}/labels", json={"sentiment": "angry"})
        missing = client.post("/api/v1/comments/999999/labels", json={"sentiment": "negative"})
        gone = client.delete("/api/v1/themes/parking")
        themes = client.get("/api/v1/themes").json()
    assert len(everything) == len(ids) and all(c["analysis"] for c in everything)
    assert everything[0]["analysis"]["model"].startswith("cxlens-e5@")
    assert added.status_code == 201 and added.json()["key"] == "parking"
    assert again.status_code == 422
    assert before == [] and queued == 1 and jobs >= 2  # the edit's request re-scored nothing
    assert {c["id"] for c in parking} == set(ids[len(OTHER) :])
    assert label.status_code == 201 and bad.status_code == 422 and missing.status_code == 404
    assert gone.status_code == 204 and "parking" not in {t["key"] for t in themes}


def test_discovery_over_the_api_stores_proposals_and_replaces_them(
    migrated_engine: Engine, migrated_database_url: str, tmp_path: Path
) -> None:
    text = text_models()
    queue = [f"queue at the bakery counter took forever {i}" for i in range(6)]
    wifi = [f"free wifi in the lounge kept dropping {i}" for i in range(6)]
    with unit_of_work(migrated_engine) as session:  # no theme matches these comments
        add_theme(session, "Parking", "parking", ["parking lot full"])
        for theme in repository.themes(session):
            if theme.key != "parking":
                delete_theme(session, theme.key)
        add_comments(session, queue + wifi)
        analyse_pending(session, text, batch=100)
    app = create_app(Settings(data_dir=tmp_path, database_url=migrated_database_url))
    app.include_router(router)
    app.state.text_models = text
    with TestClient(app) as client:
        authorise(client, Role.ANALYST)
        first = client.post("/api/v1/themes/discover")
        second = client.post("/api/v1/themes/discover")
    assert first.status_code == 200 and first.json(), first.text
    assert all(t["status"] == "proposed" for t in first.json())
    assert [t["key"] for t in second.json()] == [t["key"] for t in first.json()]
