"""Fixtures of distribution tests: settings, a survey, customers, a real SMTP server
(aiosmtpd on loopback), a loopback HTTP server playing Twilio, a manual clock."""

from __future__ import annotations

import json
import socket
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from cxlens.core.clock import ManualClock
from cxlens.core.settings import Settings
from cxlens.db import unit_of_work
from cxlens.features.distribution.tasks import register
from cxlens.features.surveys import create_from_template
from cxlens.jobs import HandlerRegistry
from cxlens.worker.loop import Worker
from factories import add_customer

# A Saturday, 10:00 UTC: outside the default quiet hours in Europe.
START = datetime(2030, 3, 16, 10, 0, tzinfo=UTC)


@dataclass
class Received:
    rcpt_tos: list[str]
    data: bytes
    mail_from: str = ""


@dataclass
class Smtp:
    port: int
    messages: list[Received] = field(default_factory=list)
    rcpt_replies: dict[str, str] = field(default_factory=dict)
    data_reply: str | None = None
    rcpt_seen: list[str] = field(default_factory=list)

    async def handle_RCPT(
        self, server: Any, session: Any, envelope: Any, address: str, options: Any
    ) -> str:
        self.rcpt_seen.append(address)
        reply = self.rcpt_replies.get(address)
        if reply is not None:
            return reply
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        if self.data_reply is not None:
            return self.data_reply
        self.messages.append(
            Received(list(envelope.rcpt_tos), bytes(envelope.original_content), envelope.mail_from)
        )
        return "250 OK: queued"


@pytest.fixture
def smtp() -> Iterator[Smtp]:
    """A real SMTP server on a free loopback port, recording what it accepts."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = int(probe.getsockname()[1])
    handler = Smtp(port=port)
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield handler
    finally:
        controller.stop()


@dataclass
class Twilio:
    url: str
    requests: list[dict[str, list[str]]] = field(default_factory=list)
    status: int = 201
    reply: dict[str, Any] = field(default_factory=lambda: {"sid": "SM1", "status": "queued"})


@pytest.fixture
def twilio() -> Iterator[Twilio]:
    """A loopback HTTP server that answers like Twilio's Messages API."""
    fake = Twilio(url="")

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            fake.requests.append(parse_qs(body.decode()))
            data = json.dumps(fake.reply).encode()
            self.send_response(fake.status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    fake.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
    thread.start()
    try:
        yield fake
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


@pytest.fixture
def clock() -> ManualClock:
    """A manual clock at START."""
    return ManualClock(START)


@pytest.fixture
def settings(migrated_database_url: str, tmp_path: Path, smtp: Smtp, twilio: Twilio) -> Settings:
    """Settings on the test database, the SMTP server and the fake Twilio."""
    return Settings(
        data_dir=tmp_path,
        database_url=migrated_database_url,
        signing_keys=["distribution-test-key-0123456789"],
        public_base_url="http://127.0.0.1:8000",
        smtp_host="127.0.0.1",
        smtp_port=smtp.port,
        smtp_security="none",
        smtp_timeout=5,
        email_from_address="anna@acme.example",
        email_from_name="Anna at Acme",
        sms_provider="twilio",
        twilio_account_sid="AC123",
        twilio_auth_token="token",
        twilio_from="+15005550006",
        twilio_base_url=twilio.url,
    )


@pytest.fixture
def survey(migrated_engine: Engine) -> str:
    """A relationship NPS survey from its template; its key."""
    with unit_of_work(migrated_engine) as session:
        stored = create_from_template(session, "relationship_nps", company_name="Acme")
        assert stored.key is not None
        return stored.key


MakeCustomer = Callable[..., int]


@pytest.fixture
def make_customer(migrated_engine: Engine) -> MakeCustomer:
    """Adds a customer (ref, email, phone, locale, time zone by keyword); returns its id."""
    counter = iter(range(1, 10_000))

    def make(**fields: Any) -> int:
        n = next(counter)
        values = {
            "email": f"customer{n}@example.com",
            "phone": "+393471234567",
            "name": f"Giulia Rossi{n}",
            "locale": "en",
            "time_zone": "Europe/Rome",
        }
        values.update(fields)
        ref = str(values.pop("customer_ref", f"c{n}"))
        with unit_of_work(migrated_engine) as session:
            return add_customer(session, ref, **values).id

    return make


@pytest.fixture
def worker(migrated_engine: Engine, settings: Settings, clock: ManualClock) -> Worker:
    """A worker with the distribution handlers, on the manual clock."""
    registry = HandlerRegistry()
    register(registry, settings)
    return Worker(migrated_engine, registry=registry, clock=clock, seed=1)


def in_session(engine: Engine) -> Any:
    """A unit of work on ``engine`` (shorthand)."""
    return unit_of_work(engine)


__all__ = ["MakeCustomer", "Session", "in_session"]
