"""A real SMTP server (aiosmtpd) on loopback, and keys and certificates made with openssl."""

from __future__ import annotations

import base64
import shutil
import socket
import ssl
import subprocess
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

from cxlens.channels.email import EmailTemplate, InvitationEmail, Mailbox, VoteQuestion
from cxlens.core.signing import Purpose, Signer, signed_link

USER = "mailer"
PASSWORD = "s3cret-pass"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@dataclass
class Received:
    mail_from: str
    rcpt_tos: list[str]
    data: bytes


@dataclass
class RecordingHandler:
    """Keeps every message; answers RCPT and DATA as a test tells it to."""

    messages: list[Received] = field(default_factory=list)
    rcpt_replies: dict[str, str] = field(default_factory=dict)
    data_reply: str | None = None
    quit_reply: str | None = None
    rcpt_seen: list[str] = field(default_factory=list)

    async def handle_QUIT(self, server: Any, session: Any, envelope: Any) -> str:
        return self.quit_reply or "221 Bye"

    async def handle_RCPT(
        self, server: Any, session: Any, envelope: Any, address: str, rcpt_options: Any
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
            Received(envelope.mail_from, list(envelope.rcpt_tos), bytes(envelope.original_content))
        )
        return "250 OK: queued"


def _authenticator(
    server: Any, session: Any, envelope: Any, mechanism: str, auth_data: Any
) -> AuthResult:
    ok = (
        isinstance(auth_data, LoginPassword)
        and auth_data.login == USER.encode()
        and auth_data.password == PASSWORD.encode()
    )
    return AuthResult(success=ok, handled=False)


@dataclass
class SmtpServer:
    port: int
    handler: RecordingHandler


def _start(handler: RecordingHandler, **kwargs: Any) -> tuple[Controller, int]:
    port = free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port, **kwargs)
    controller.start()
    return controller, port


@pytest.fixture
def smtp_server() -> Iterator[SmtpServer]:
    """A plain SMTP server that accepts everything (unless told otherwise)."""
    handler = RecordingHandler()
    controller, port = _start(handler)
    try:
        yield SmtpServer(port, handler)
    finally:
        controller.stop()


@dataclass(frozen=True)
class TlsFiles:
    cert: Path
    key: Path

    def server_context(self) -> ssl.SSLContext:
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(self.cert, self.key)
        return context

    def client_context(self) -> ssl.SSLContext:
        return ssl.create_default_context(cafile=str(self.cert))


def _openssl(*args: str) -> bytes:
    if shutil.which("openssl") is None:
        pytest.skip("openssl is not installed")
    return subprocess.run(["openssl", *args], check=True, capture_output=True).stdout


@pytest.fixture(scope="session")
def tls_files(tmp_path_factory: pytest.TempPathFactory) -> TlsFiles:
    """A self-signed certificate for 127.0.0.1 and its key."""
    folder = tmp_path_factory.mktemp("tls")
    cert, key = folder / "cert.pem", folder / "key.pem"
    _openssl(
        "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
        "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
        "-keyout", str(key), "-out", str(cert),
    )  # fmt: skip
    return TlsFiles(cert, key)


@pytest.fixture
def starttls_server(tls_files: TlsFiles) -> Iterator[SmtpServer]:
    """An SMTP server that requires STARTTLS, then AUTH (mailer / s3cret-pass)."""
    handler = RecordingHandler()
    controller, port = _start(
        handler,
        tls_context=tls_files.server_context(),
        require_starttls=True,
        authenticator=_authenticator,
        auth_required=True,
    )
    try:
        yield SmtpServer(port, handler)
    finally:
        controller.stop()


@pytest.fixture
def ssl_server(tls_files: TlsFiles) -> Iterator[SmtpServer]:
    """An SMTP server speaking TLS from the first byte (port-465 style)."""
    handler = RecordingHandler()
    controller, port = _start(handler, ssl_context=tls_files.server_context())
    try:
        yield SmtpServer(port, handler)
    finally:
        controller.stop()


@dataclass(frozen=True)
class RsaKeyPair:
    private_pem: bytes
    public_b64: str

    def dns_record(self) -> bytes:
        return f"v=DKIM1; k=rsa; p={self.public_b64}".encode()


@pytest.fixture(scope="session")
def rsa_keypair(tmp_path_factory: pytest.TempPathFactory) -> RsaKeyPair:
    """A fresh 2048-bit RSA key and its public half as a DKIM DNS record would carry it."""
    folder = tmp_path_factory.mktemp("dkim")
    key = folder / "dkim.pem"
    _openssl("genrsa", "-out", str(key), "2048")
    public_der = _openssl("rsa", "-in", str(key), "-pubout", "-outform", "DER")
    return RsaKeyPair(key.read_bytes(), base64.b64encode(public_der).decode())


SIGNING_KEY = "test-signing-key-0123456789abcdef"
NOW = datetime(2026, 11, 22, 9, 0, tzinfo=UTC)


@pytest.fixture
def signer() -> Signer:
    return Signer([SIGNING_KEY], now=lambda: NOW)


MakeEmail = Callable[..., InvitationEmail]


@pytest.fixture
def make_email(signer: Signer) -> MakeEmail:
    """Builds an :class:`InvitationEmail` for invitation 4321 with an NPS vote; override any
    field by keyword."""

    def vote_link(value: int) -> str:
        token = signer.sign(4321, purpose=Purpose.ANSWER, action=value, ttl=timedelta(days=30))
        return signed_link("https://cx.example/a", token)

    def build(**overrides: Any) -> InvitationEmail:
        fields: dict[str, Any] = {
            "sender": Mailbox("anna@acme.example", "Anna from Acme"),
            "recipient": Mailbox("maria.rossi@example.org", "Maria Rossi"),
            "template": EmailTemplate(
                subject="${first_name}, how was your order at ${company}?",
                subject_without_name="How was your order at ${company}?",
                greeting="Dear ${name},",
                greeting_without_name="Hello,",
                body="Thank you for shopping with ${company}.\n\nIt takes ten seconds.",
                call_to_action="Answer the survey",
                signature="Anna Bianchi\nCustomer care, ${company}",
                unsubscribe_text="Unsubscribe from these surveys",
            ),
            "company": "Acme",
            "survey_url": signed_link("https://cx.example/s", signer.sign(4321)),
            "unsubscribe_url": signed_link(
                "https://cx.example/u", signer.sign(4321, purpose=Purpose.UNSUBSCRIBE)
            ),
            "unsubscribe_mailto": "mailto:unsubscribe@acme.example?subject=unsubscribe",
            "invitation_id": 4321,
            "attempt_key": "initial",
            "message_id": "<0123456789abcdef0123456789abcdef@acme.example>",
            "language": "en",
            "vote": VoteQuestion.nps(
                "How likely are you to recommend Acme to a friend?",
                "Not at all likely",
                "Extremely likely",
            ),
            "vote_link": vote_link,
            "date": NOW,
        }
        fields.update(overrides)
        return InvitationEmail(**fields)

    return build
