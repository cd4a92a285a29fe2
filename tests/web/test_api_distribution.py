"""POST /api/v1/events and GET /api/v1/funnel over HTTP (TestClient, real database)."""

from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy import Engine

from cxlens.core.settings import Settings
from cxlens.core.vocabulary import Role
from cxlens.db import unit_of_work
from cxlens.features.customers.repository import customer_by_ref
from cxlens.features.distribution.service import add_trigger_rule
from cxlens.features.surveys import create_from_template
from cxlens.web.api_distribution import router
from cxlens.web.app import create_app
from web.tokens import authorise


def test_events_are_idempotent_and_the_funnel_counts_them(
    migrated_engine: Engine, migrated_database_url: str, tmp_path: Path
) -> None:
    with unit_of_work(migrated_engine) as session:
        create_from_template(session, "relationship_nps", company_name="Acme")
        add_trigger_rule(
            session, event="ticket.solved", survey_key="relationship-nps", channel="web"
        )
    settings = Settings(
        data_dir=tmp_path,
        database_url=migrated_database_url,
        signing_keys=["api-test-signing-key-0123456789"],
    )
    app = create_app(settings)
    app.include_router(router)
    body = {
        "event": "ticket.solved",
        "customer": {"ref": "c-9", "email": "c9@example.com", "time_zone": "Europe/Rome"},
        "occurred_at": "2030-01-01T10:00:00Z",
        "properties": {"agent": "marta"},
        "idempotency_key": "ticket-9",
    }
    with TestClient(app) as client:
        authorise(client, Role.ANALYST)
        first = client.post("/api/v1/events", json=body)
        second = client.post("/api/v1/events", json=body)
        redirected = {
            **body,
            "customer": {"ref": "c-9", "email": "someone-else@example.net"},
            "idempotency_key": "ticket-10",
        }
        third = client.post("/api/v1/events", json=redirected)
        funnel = client.get("/api/v1/funnel", params={"by": ["survey", "channel"]})
        bad = client.get("/api/v1/funnel", params={"by": ["colour"]})
    assert first.status_code == 200, first.text
    assert first.json()["duplicate"] is False and len(first.json()["invitation_ids"]) == 1
    assert second.json()["duplicate"] is True
    assert second.json()["invitation_ids"] == first.json()["invitation_ids"]
    assert first.json()["contact_ignored"] == []
    assert third.status_code == 200 and third.json()["contact_ignored"] == ["email"]
    with unit_of_work(migrated_engine) as session:
        assert customer_by_ref(session, "c-9").email == "c9@example.com"  # type: ignore[union-attr]
    [row] = funnel.json()
    assert row["group"] == {"survey": "relationship-nps", "channel": "web"}
    assert (row["sent"], row["delivered"], row["completed"]) == (2, 2, 0)
    assert row["response_rate"] == 0.0 and row["low_confidence"] is True
    assert bad.status_code == 422


def test_inbound_bounce_takes_a_raw_dsn_once(
    migrated_engine: Engine, migrated_database_url: str, tmp_path: Path
) -> None:
    from channels.email.dsn_samples import ORIGINAL, dsn
    from cxlens.features.distribution.messages import bounce_reference
    from cxlens.features.distribution.service import create_invitation
    from cxlens.models import Customer

    settings = Settings(
        data_dir=tmp_path,
        database_url=migrated_database_url,
        signing_keys=["api-test-signing-key-0123456789"],
    )
    with unit_of_work(migrated_engine) as session:
        survey = create_from_template(session, "relationship_nps", company_name="Acme")
        customer = Customer(customer_ref="c1", email="giulia@example.com")
        session.add(customer)
        session.flush()
        invitation = create_invitation(
            session, settings, customer_id=customer.id, survey_key=survey.key, channel="email"
        )
        ref = bounce_reference(settings, invitation.id)
        invitation_id = invitation.id
    original = ORIGINAL.format(recipient="giulia@example.com") + f"X-Cxlens-Invitation: {ref}\n"
    raw = dsn("postfix", original=original)
    headers = {"Content-Type": "message/rfc822"}
    with TestClient(create_app(settings)) as client:
        first = client.post("/api/v1/inbound/bounces", content=raw, headers=headers)
        second = client.post("/api/v1/inbound/bounces", content=raw, headers=headers)
        other = client.post("/api/v1/inbound/bounces", content=dsn("autoreply"))
        empty = client.post("/api/v1/inbound/bounces", content=b"")
    assert first.status_code == 200, first.text
    assert first.json() == {
        "outcome": "bounced",
        "invitation_id": invitation_id,
        "address": "giulia@example.com",
        "status": "5.1.1",
    }
    assert second.json()["outcome"] == "already"
    assert other.json()["outcome"] == "not_dsn"
    assert empty.status_code == 422
