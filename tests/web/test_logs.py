"""No customer data in the logs: an invitation sent (and refused once) by the worker, the
access log of survey links."""

from __future__ import annotations

import logging
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from cxlens.core.clock import ManualClock
from cxlens.core.settings import Settings
from cxlens.core.vocabulary import Role
from cxlens.db import unit_of_work
from cxlens.features.distribution.pressure import set_policy
from cxlens.features.distribution.service import add_trigger_rule
from cxlens.features.distribution.tasks import register
from cxlens.jobs import HandlerRegistry
from cxlens.web.app import create_app
from cxlens.web.logs import ACCESS_LOGGER
from cxlens.worker.loop import Worker
from features.distribution.conftest import Smtp
from web.tokens import authorise

EMAIL, PHONE, NAME = "marta.verdi@example.org", "+393471234567", "Marta Verdi"


def test_an_invitation_sent_after_a_refusal_logs_no_address(
    migrated_engine: Engine,
    settings: Settings,
    smtp: Smtp,
    survey: str,
    clock: ManualClock,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)  # SQLAlchemy's statements and parameters too
    with unit_of_work(migrated_engine) as session:
        add_trigger_rule(
            session, event="order.completed", survey_key=survey, channel="email", delay=timedelta()
        )
        set_policy(session, no_quiet_hours=True)
    smtp.rcpt_replies[EMAIL] = f"450 4.2.1 <{EMAIL}> ({PHONE}): mailbox busy, try later"
    app = create_app(settings)
    body = {
        "event": "order.completed",
        "customer": {"ref": "c-77", "email": EMAIL, "phone": PHONE, "name": NAME},
        "occurred_at": clock.now().isoformat(),
    }
    with TestClient(app) as client:
        authorise(client, Role.ANALYST)
        assert client.post("/api/v1/events", json=body).status_code == 200
    app.state.engine.dispose()
    registry = HandlerRegistry()
    register(registry, settings)
    worker = Worker(migrated_engine, registry=registry, clock=clock, seed=1)
    worker.drain()
    assert not smtp.messages  # refused once, retried later
    del smtp.rcpt_replies[EMAIL]
    clock.advance(timedelta(hours=2))
    worker.drain()
    assert len(smtp.messages) == 1
    ours = "\n".join(  # the loopback SMTP server's own log (the receiving side) aside
        f"{r.name} {r.getMessage()}" for r in caplog.records if not r.name.startswith("mail.")
    )
    assert "retry in" in ours  # the refusal was logged ...
    for secret in (EMAIL, "marta.verdi", PHONE, "3471234567", NAME):
        assert secret not in ours  # ... without the address, the number or the name


def test_the_access_log_keeps_no_token_and_no_query(caplog: pytest.LogCaptureFixture) -> None:
    create_app(Settings(database_url="sqlite:///:memory:")).state.engine.dispose()
    caplog.set_level(logging.INFO, logger=ACCESS_LOGGER)
    access = logging.getLogger(ACCESS_LOGGER)
    fmt = '%s - "%s %s HTTP/%s" %d'
    access.info(fmt, "127.0.0.1:5", "GET", "/s/SECRET-TOKEN?q=nps&lang=en", "1.1", 200)
    access.info(fmt, "127.0.0.1:5", "GET", f"/a/after-order?email={EMAIL}", "1.1", 200)
    access.info(fmt, "127.0.0.1:5", "POST", "/v/SECRET-VOTE", "1.1", 303)
    assert "SECRET" not in caplog.text and EMAIL not in caplog.text
    assert '"GET /s/…?… HTTP/1.1" 200' in caplog.text
    assert '"GET /a/after-order?… HTTP/1.1" 200' in caplog.text
