"""A user's data scope limits what the API shows them: metrics, comments and the funnel."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

import factories as f
from cxlens.core.settings import Settings
from cxlens.core.vocabulary import Role
from cxlens.db import unit_of_work
from cxlens.models import Answer, Invitation, Question
from cxlens.web.app import create_app
from web.tokens import bearer, issue_token

#: Region → (NPS scores, comment) of its customers.
STORE = {"NL": ([0, 1, 2, 3], "late parcel again"), "BE": ([10, 10, 9], "great service")}


@pytest.fixture
def client(
    migrated_engine: Engine, migrated_database_url: str, tmp_path: Path
) -> Iterator[TestClient]:
    with unit_of_work(migrated_engine) as session:
        version = f.add_survey_version(session)
        text = Question(survey_version_id=version.id, key="comment", type="text")
        session.add(text)
        session.flush()
        nps = session.query(Question).filter_by(survey_version_id=version.id, key="nps").one()
        for region, (scores, comment) in STORE.items():
            for i, score in enumerate(scores):
                customer = f.add_customer(session, f"{region}-{i}", region=region)
                response = f.add_response(
                    session, version, f"{region}-{i}", customer_id=customer.id
                )
                session.add(Answer(response_id=response.id, question_id=nps.id, value=score))
                session.add(Answer(response_id=response.id, question_id=text.id, text=comment))
                session.add(
                    Invitation(
                        survey_version_id=version.id,
                        customer_id=customer.id,
                        channel="email",
                        token=f"t-{region}-{i}",
                        sent_at=f.NOW,
                        delivered_at=f.NOW,
                    )
                )
    app = create_app(Settings(database_url=migrated_database_url, data_dir=tmp_path))
    with TestClient(app) as test_client:
        yield test_client
    app.state.engine.dispose()


def _nps(client: TestClient, token: str) -> dict[str, float]:
    body = client.get("/api/v1/metrics", headers=bearer(token)).json()
    [nps] = [m for m in body["metrics"] if m["metric"] == "nps" and not m["group"]]
    return {"n": nps["n"], "value": nps["value"]}


def test_a_scoped_user_sees_only_their_customers(
    client: TestClient, migrated_engine: Engine
) -> None:
    everyone = issue_token(migrated_engine, Role.VIEWER)
    dutch = issue_token(migrated_engine, Role.VIEWER, scope={"region": ["NL"]})
    assert _nps(client, everyone)["n"] == 7
    assert _nps(client, dutch) == {"n": 4, "value": -100.0}

    comments = client.get("/api/v1/comments", headers=bearer(dutch)).json()
    assert {c["text"] for c in comments} == {"late parcel again"}
    all_comments = client.get("/api/v1/comments", headers=bearer(everyone)).json()
    assert {c["text"] for c in all_comments} == {"late parcel again", "great service"}

    funnel = client.get("/api/v1/funnel", headers=bearer(dutch)).json()
    assert sum(row["delivered"] for row in funnel) == 4
    funnel = client.get("/api/v1/funnel", headers=bearer(everyone)).json()
    assert sum(row["delivered"] for row in funnel) == 7


def test_a_scope_on_an_attribute_no_customer_has_shows_nothing(
    client: TestClient, migrated_engine: Engine
) -> None:
    nobody = issue_token(migrated_engine, Role.VIEWER, scope={"region": ["FR"]})
    body = client.get("/api/v1/metrics", headers=bearer(nobody)).json()
    assert not [m for m in body["metrics"] if m["metric"] == "nps"]
    assert client.get("/api/v1/comments", headers=bearer(nobody)).json() == []
