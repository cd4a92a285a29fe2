"""``kill -9`` of the real server under load loses no acknowledged write.

A uvicorn server with 2 worker processes on an SQLite file takes survey submissions
(``POST /s/{token}``) and events (``POST /api/v1/events``) from 24 concurrent clients; a
few hundred acknowledged writes in, the whole server is killed with SIGKILL while
requests are in flight. After
a restart, every request that was answered (303 for a submission, 200 for an event) must be
in the database: a submitted response with its answer, an event with its key.
"""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import urlencode

import httpx
import pytest
from sqlalchemy import insert, select

from cxlens.core.settings import Settings
from cxlens.core.signing import Purpose
from cxlens.core.vocabulary import Role
from cxlens.db import engine_for_url, unit_of_work, upgrade
from cxlens.features.collection.links import signer_for
from cxlens.features.collection.security import csrf_token
from cxlens.features.surveys import create_survey
from cxlens.models import Answer, Customer, Invitation, Response, SurveyVersion
from cxlens.models.distribution import CustomerEvent
from web.tokens import bearer, issue_token

HERE = Path(__file__).parent
SRC = HERE.parents[1] / "src"
KEY = "soak-signing-key-" + "k" * 32
INVITATIONS = 1500
CLIENTS = 24
#: The kill comes once this many writes were acknowledged (or after MAX_LOAD_SECONDS).
KILL_AFTER = 300
MAX_LOAD_SECONDS = 8.0
SURVEY = {
    "key": "soak",
    "name": "Soak",
    "languages": ["en"],
    "questions": [{"key": "nps", "type": "nps", "required": True, "labels": {"en": {"text": "?"}}}],
}

pytestmark = pytest.mark.slow


def _seed(url: str) -> list[tuple[int, str, bytes]]:
    engine = engine_for_url(url)
    upgrade(engine)
    with unit_of_work(engine) as session:
        stored = create_survey(session, SURVEY)
        version = session.scalars(
            select(SurveyVersion.id).where(SurveyVersion.survey_id == stored.id)
        ).one()
        session.execute(insert(Customer), [{"customer_ref": "soak", "locale": "en"}])
        customer = session.scalars(select(Customer.id)).one()
        session.execute(
            insert(Invitation),
            [
                {
                    "survey_version_id": version,
                    "customer_id": customer,
                    "channel": "email",
                    "token": f"soak-{i}",
                }
                for i in range(INVITATIONS)
            ],
        )
        ids = list(session.scalars(select(Invitation.id).order_by(Invitation.id)))
    engine.dispose()
    settings = Settings(database_url=url, signing_keys=[KEY])
    signer = signer_for(settings)
    return [
        (
            invitation_id,
            f"/s/{signer.sign(invitation_id, purpose=Purpose.INVITATION)}",
            urlencode(
                {
                    "csrf": csrf_token(settings, f"invitation:{invitation_id}"),
                    "q": "nps",
                    "lang": "en",
                    "answer": str(invitation_id % 11),
                }
            ).encode(),
        )
        for invitation_id in ids
    ]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _start(url: str, port: int, data_dir: Path) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "CXLENS_DATABASE_URL": url,
        "CXLENS_DATA_DIR": str(data_dir),
        "CXLENS_SIGNING_KEYS": KEY,
        "PYTHONPATH": os.pathsep.join([str(SRC), str(HERE)]),
    }
    command = [
        sys.executable, "-m", "uvicorn", "--factory", "unlimited_app:app",
        "--host", "127.0.0.1", "--port", str(port), "--workers", "2",
        "--no-access-log", "--log-level", "warning",
    ]  # fmt: skip
    # a session of its own: the kill reaches the supervisor and both workers at once
    server = subprocess.Popen(command, env=env, cwd=HERE, start_new_session=True)
    deadline = time.monotonic() + 60
    while True:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/health", timeout=2).status_code == 200:
                time.sleep(0.5)  # the second worker too
                return server
        except httpx.TransportError:
            pass
        if server.poll() is not None or time.monotonic() > deadline:
            os.killpg(server.pid, signal.SIGKILL)
            raise RuntimeError("the server did not start")
        time.sleep(0.2)


async def _load(
    base: str,
    submissions: list[tuple[int, str, bytes]],
    server: subprocess.Popen[bytes],
    token: dict[str, str],
) -> tuple[set[int], set[str], int]:
    """Drive the server until it is killed; what it acknowledged, and how many it failed."""
    acked_submissions: set[int] = set()
    acked_events: set[str] = set()
    errors = 0
    pending = list(reversed(submissions))
    events = iter(range(10**9))
    killed = asyncio.Event()

    async def client(number: int, http: httpx.AsyncClient) -> None:
        nonlocal errors
        while not killed.is_set():
            try:
                if number % 2 and pending:
                    invitation_id, path, body = pending.pop()
                    r = await http.post(
                        path,
                        content=body,
                        headers={"content-type": "application/x-www-form-urlencoded"},
                    )
                    if r.status_code == 303:
                        acked_submissions.add(invitation_id)
                    else:
                        errors += 1
                else:
                    key = f"soak-{next(events)}"
                    r = await http.post(
                        "/api/v1/events",
                        json={"event": "soak", "customer": {"ref": key}, "idempotency_key": key},
                        headers=token,
                    )
                    if r.status_code == 200:
                        acked_events.add(key)
                    else:
                        errors += 1
            except httpx.TransportError:
                if not killed.is_set():
                    raise

    async def kill() -> None:
        deadline = time.monotonic() + MAX_LOAD_SECONDS
        while len(acked_submissions) + len(acked_events) < KILL_AFTER:
            if time.monotonic() > deadline:
                break
            await asyncio.sleep(0.05)
        os.killpg(server.pid, signal.SIGKILL)  # mid-load: requests are in flight
        killed.set()

    limits = httpx.Limits(max_connections=CLIENTS)
    async with httpx.AsyncClient(base_url=base, timeout=30, limits=limits) as http:
        await asyncio.gather(kill(), *(client(n, http) for n in range(CLIENTS)))
    return acked_submissions, acked_events, errors


def test_kill_9_under_load_loses_no_acknowledged_write(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'soak.db'}"
    submissions = _seed(url)
    seeded = engine_for_url(url)
    token = bearer(issue_token(seeded, Role.ANALYST))
    seeded.dispose()
    port = _free_port()
    server = _start(url, port, tmp_path)
    base = f"http://127.0.0.1:{port}"
    try:
        # in a thread of its own: the browser tests' Playwright keeps a loop in this one
        with ThreadPoolExecutor(1) as pool:
            load = pool.submit(lambda: asyncio.run(_load(base, submissions, server, token)))
            acked, events, errors = load.result()
    finally:
        os.killpg(server.pid, signal.SIGKILL)
        server.wait(10)
    print(f"acknowledged: {len(acked)} submissions, {len(events)} events")
    assert errors == 0
    assert acked and events and len(acked) + len(events) >= 100  # a real load before the kill
    restarted = _start(url, port, tmp_path)  # recovery: the WAL is replayed on open
    try:
        engine = engine_for_url(url)
        with engine.connect() as connection:
            submitted = set(
                connection.execute(
                    select(Response.invitation_id)
                    .join(Answer, Answer.response_id == Response.id)
                    .where(Response.submitted_at.is_not(None))
                ).scalars()
            )
            completed = set(
                connection.execute(
                    select(Invitation.id).where(Invitation.completed_at.is_not(None))
                ).scalars()
            )
            stored_events = set(connection.execute(select(CustomerEvent.idempotency_key)).scalars())
        engine.dispose()
    finally:
        restarted.terminate()
        try:
            restarted.wait(15)
        except subprocess.TimeoutExpired:
            os.killpg(restarted.pid, signal.SIGKILL)
            restarted.wait(10)
    assert acked - submitted == set(), "acknowledged submissions lost"
    assert acked - completed == set(), "acknowledged completions lost"
    assert events - stored_events == set(), "acknowledged events lost"
