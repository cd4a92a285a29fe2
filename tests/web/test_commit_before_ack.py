"""Every write is committed before it is acknowledged: after the answer, the row is there.

The real app on a loopback uvicorn server (in a thread), its commits slowed down by 0.3 s:
a route that answered before its transaction committed would be caught every time, the
row still missing when a separate connection looks right after the answer.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import uvicorn
from fastapi import FastAPI
from sqlalchemy import Engine, event, func, select

from cxlens.core.settings import Settings
from cxlens.core.signing import Purpose
from cxlens.core.vocabulary import Role
from cxlens.db import unit_of_work
from cxlens.features.collection.links import signer_for
from cxlens.features.collection.widget import WIDGET_CHANNEL
from cxlens.features.surveys import create_from_template
from cxlens.models import Answer, Invitation
from cxlens.models.distribution import CustomerEvent
from cxlens.web.app import create_app
from web.tokens import bearer, issue_token

SLOW_COMMIT = 0.3


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def serving(app: FastAPI) -> Iterator[str]:
    """``app`` served by uvicorn on a loopback port in a thread; its base URL."""
    port = _free_port()
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="on")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(10)


def _slow_app(database_url: str, tmp_path: Path) -> FastAPI:
    settings = Settings(data_dir=tmp_path, database_url=database_url, signing_keys=["s" * 32])
    app = create_app(settings)

    def slow(_connection: Any) -> None:
        time.sleep(SLOW_COMMIT)  # before the commit itself: the answer must wait for it

    event.listen(app.state.engine, "commit", slow)
    return app


def _count(engine: Engine, query: Any) -> int:
    with engine.connect() as connection:  # a connection of another engine: another client
        return int(connection.execute(query).scalar_one())


def test_an_event_is_stored_when_its_200_arrives(
    migrated_engine: Engine, migrated_database_url: str, tmp_path: Path
) -> None:
    app = _slow_app(migrated_database_url, tmp_path)
    token = bearer(issue_token(migrated_engine, Role.ANALYST))
    with (
        serving(app) as base,
        httpx.Client(base_url=base, timeout=30, headers=token) as client,
    ):
        for n in range(3):
            key = f"probe-{n}"
            r = client.post(
                "/api/v1/events",
                json={
                    "event": "order.completed",
                    "customer": {"ref": "c-1"},
                    "idempotency_key": key,
                },
            )
            assert r.status_code == 200, r.text
            query = select(func.count()).where(CustomerEvent.idempotency_key == key)
            assert _count(migrated_engine, query) == 1, f"event {key} not stored at its 200"


def test_widget_answers_are_stored_when_their_200_arrives(
    migrated_engine: Engine, migrated_database_url: str, tmp_path: Path
) -> None:
    with unit_of_work(migrated_engine) as session:
        create_from_template(session, "relationship_nps", company_name="Acme")
    app = _slow_app(migrated_database_url, tmp_path)
    with serving(app) as base, httpx.Client(base_url=base, timeout=30) as client:
        decided = client.post(
            "/api/v1/widget/decide", content=b'{"survey": "relationship-nps", "event": "page"}'
        )
        assert decided.status_code == 200 and decided.json()["show"] is True, decided.text
        token = decided.json()["token"]
        key = decided.json()["questions"][0]["key"]
        claims = signer_for(app.state.settings).verify(token, purpose=Purpose.INVITATION)
        invitation_id = claims.invitation_id
        query = select(func.count()).where(
            Invitation.id == invitation_id, Invitation.channel == WIDGET_CHANNEL
        )
        assert _count(migrated_engine, query) == 1  # the widget's invitation, at its 200
        answered = client.post(
            "/api/v1/widget/answer",
            content=f'{{"token": "{token}", "answers": {{"{key}": 3}}}}'.encode(),
        )
        assert answered.status_code == 200 and answered.json()["ok"] is True, answered.text
        assert _count(migrated_engine, select(func.count()).select_from(Answer)) == 1
