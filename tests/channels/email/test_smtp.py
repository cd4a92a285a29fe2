"""The SMTP adapter against a real aiosmtpd server on loopback."""

from __future__ import annotations

import email
import socket
from collections.abc import Iterator
from email import policy
from email.message import EmailMessage

import pytest

from cxlens.channels import DeliveryError, FailureKind
from cxlens.channels.email import (
    Mailbox,
    SmtpConfig,
    SmtpEmailSender,
    SmtpSecurity,
    compose_invitation,
)
from cxlens.core.errors import ConfigurationError
from cxlens.core.signing import Purpose, Signer

from .conftest import PASSWORD, USER, MakeEmail, SmtpServer, TlsFiles, free_port
from .html_links import links


def plain(port: int, **kwargs: object) -> SmtpEmailSender:
    return SmtpEmailSender(
        SmtpConfig("127.0.0.1", port, security=SmtpSecurity.NONE, timeout=5, **kwargs)  # type: ignore[arg-type]
    )


def received(server: SmtpServer, index: int = 0) -> EmailMessage:
    message = email.message_from_bytes(server.handler.messages[index].data, policy=policy.default)
    assert isinstance(message, EmailMessage)
    return message


def test_invitation_arrives_with_headers_both_parts_and_score_links(
    smtp_server: SmtpServer, make_email: MakeEmail, signer: Signer
) -> None:
    invitation = make_email()
    outcome = plain(smtp_server.port).send(compose_invitation(invitation))

    assert outcome.recipients == ("maria.rossi@example.org",)
    [envelope] = smtp_server.handler.messages
    assert envelope.mail_from == "anna@acme.example"
    assert envelope.rcpt_tos == ["maria.rossi@example.org"]
    message = received(smtp_server)
    assert message["Message-ID"] == outcome.message_id
    assert message["Subject"] == "Maria, how was your order at Acme?"
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert invitation.unsubscribe_url in message["List-Unsubscribe"]

    text_part = message.get_body(("plain",))
    html_part = message.get_body(("html",))
    assert text_part is not None and html_part is not None
    text, html = text_part.get_content(), html_part.get_content()  # type: ignore[attr-defined]
    assert text.startswith("Dear Maria Rossi,")
    score_hrefs = [a["href"] for a in links(html) if a["href"].startswith("https://cx.example/a/")]
    assert len(score_hrefs) == 11
    for value, href in enumerate(score_hrefs):
        claims = signer.verify(href.rsplit("/", 1)[1], purpose=Purpose.ANSWER)
        assert (claims.invitation_id, claims.action) == (4321, value)
        assert href in text  # the plain-text part lists the same links


def test_envelope_from_is_the_bounce_address(
    smtp_server: SmtpServer, make_email: MakeEmail
) -> None:
    plain(smtp_server.port, envelope_from="bounces@acme.example").send(
        compose_invitation(make_email())
    )
    assert smtp_server.handler.messages[0].mail_from == "bounces@acme.example"


def test_a_retry_sends_the_same_message_id(smtp_server: SmtpServer, make_email: MakeEmail) -> None:
    sender = plain(smtp_server.port)
    sender.send(compose_invitation(make_email()))
    sender.send(compose_invitation(make_email()))
    ids = {received(smtp_server, i)["Message-ID"] for i in range(2)}
    assert len(ids) == 1


def test_starttls_and_login(
    starttls_server: SmtpServer, make_email: MakeEmail, tls_files: TlsFiles
) -> None:
    sender = SmtpEmailSender(
        SmtpConfig(
            "127.0.0.1",
            starttls_server.port,
            security=SmtpSecurity.STARTTLS,
            username=USER,
            password=PASSWORD,
            timeout=5,
            ssl_context=tls_files.client_context(),
        )
    )
    sender.send(compose_invitation(make_email()))
    assert len(starttls_server.handler.messages) == 1


def test_wrong_password_is_a_configuration_error(
    starttls_server: SmtpServer, make_email: MakeEmail, tls_files: TlsFiles
) -> None:
    sender = SmtpEmailSender(
        SmtpConfig(
            "127.0.0.1",
            starttls_server.port,
            username=USER,
            password="wrong",
            timeout=5,
            ssl_context=tls_files.client_context(),
        )
    )
    with pytest.raises(DeliveryError) as caught:
        sender.send(compose_invitation(make_email()))
    assert caught.value.kind is FailureKind.CONFIGURATION
    assert caught.value.code == 535
    assert not caught.value.suppress_recipient
    assert starttls_server.handler.messages == []


def test_untrusted_certificate_is_a_configuration_error(
    starttls_server: SmtpServer, make_email: MakeEmail
) -> None:
    sender = SmtpEmailSender(SmtpConfig("127.0.0.1", starttls_server.port, timeout=5))
    with pytest.raises(DeliveryError) as caught:
        sender.send(compose_invitation(make_email()))
    assert caught.value.kind is FailureKind.CONFIGURATION
    assert "certificate" in str(caught.value)


def test_server_without_starttls_is_a_configuration_error(
    smtp_server: SmtpServer, make_email: MakeEmail
) -> None:
    sender = SmtpEmailSender(SmtpConfig("127.0.0.1", smtp_server.port, timeout=5))
    with pytest.raises(DeliveryError) as caught:
        sender.send(compose_invitation(make_email()))
    assert caught.value.kind is FailureKind.CONFIGURATION
    assert smtp_server.handler.messages == []


def test_implicit_tls(ssl_server: SmtpServer, make_email: MakeEmail, tls_files: TlsFiles) -> None:
    sender = SmtpEmailSender(
        SmtpConfig(
            "127.0.0.1",
            ssl_server.port,
            security=SmtpSecurity.SSL,
            timeout=5,
            ssl_context=tls_files.client_context(),
        )
    )
    sender.send(compose_invitation(make_email()))
    assert received(ssl_server)["Subject"] == "Maria, how was your order at Acme?"


@pytest.mark.parametrize(
    ("reply", "kind"),
    [
        ("550 5.1.1 <maria.rossi@example.org>: no such user", FailureKind.BOUNCE),
        ("553 mailbox name not allowed", FailureKind.BOUNCE),
        ("450 4.2.1 mailbox busy, try later", FailureKind.TEMPORARY),
        ("550 5.7.1 relaying denied", FailureKind.REJECTED),
    ],
)
def test_refused_recipient_maps_to_bounce_or_retry(
    smtp_server: SmtpServer, make_email: MakeEmail, reply: str, kind: FailureKind
) -> None:
    smtp_server.handler.rcpt_replies["maria.rossi@example.org"] = reply
    with pytest.raises(DeliveryError) as caught:
        plain(smtp_server.port).send(compose_invitation(make_email()))
    error = caught.value
    assert error.kind is kind
    assert error.code == int(reply[:3])
    assert error.permanent is reply.startswith("5")
    assert error.suppress_recipient is (kind is FailureKind.BOUNCE)
    assert reply[4:] in str(error)


@pytest.mark.parametrize(
    ("reply", "kind"),
    [
        ("554 5.7.1 message rejected as spam", FailureKind.REJECTED),
        ("550 5.1.1 user unknown", FailureKind.BOUNCE),
        ("451 4.3.0 local error, try again", FailureKind.TEMPORARY),
    ],
)
def test_refused_data_maps_by_reply(
    smtp_server: SmtpServer, make_email: MakeEmail, reply: str, kind: FailureKind
) -> None:
    smtp_server.handler.data_reply = reply
    with pytest.raises(DeliveryError) as caught:
        plain(smtp_server.port).send(compose_invitation(make_email()))
    assert caught.value.kind is kind
    assert caught.value.code == int(reply[:3])


def test_one_refused_recipient_of_two_is_reported_not_raised(
    smtp_server: SmtpServer, make_email: MakeEmail
) -> None:
    message = compose_invitation(make_email())
    message["Cc"] = "gone@example.org"
    smtp_server.handler.rcpt_replies["gone@example.org"] = "550 5.1.1 no such user"
    outcome = plain(smtp_server.port).send(message)
    assert outcome.recipients == ("maria.rossi@example.org",)


def test_bcc_is_delivered_but_not_shown(smtp_server: SmtpServer, make_email: MakeEmail) -> None:
    message = compose_invitation(make_email())
    message["Bcc"] = "audit@acme.example"
    plain(smtp_server.port).send(message)
    assert smtp_server.handler.messages[0].rcpt_tos == [
        "maria.rossi@example.org",
        "audit@acme.example",
    ]
    assert received(smtp_server)["Bcc"] is None


def test_connection_refused_is_temporary(make_email: MakeEmail) -> None:
    with pytest.raises(DeliveryError) as caught:
        plain(free_port()).send(compose_invitation(make_email()))
    assert caught.value.kind is FailureKind.TEMPORARY
    assert caught.value.temporary


@pytest.fixture
def silent_server() -> Iterator[int]:
    """A socket that accepts connections and never says a word."""
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        yield listener.getsockname()[1]


def test_silent_server_times_out_as_temporary(silent_server: int, make_email: MakeEmail) -> None:
    sender = SmtpEmailSender(
        SmtpConfig("127.0.0.1", silent_server, security=SmtpSecurity.NONE, timeout=0.3)
    )
    with pytest.raises(DeliveryError) as caught:
        sender.send(compose_invitation(make_email()))
    assert caught.value.kind is FailureKind.TEMPORARY


def test_username_without_password_is_a_configuration_error() -> None:
    with pytest.raises(ConfigurationError):
        SmtpEmailSender(SmtpConfig("127.0.0.1", 25, username="x"))


def test_message_without_recipient_is_rejected(smtp_server: SmtpServer) -> None:
    message = EmailMessage()
    message["From"] = "a@acme.example"
    message.set_content("x")
    with pytest.raises(DeliveryError) as caught:
        plain(smtp_server.port).send(message)
    assert caught.value.kind is FailureKind.REJECTED


def test_unnamed_recipient(smtp_server: SmtpServer, make_email: MakeEmail) -> None:
    plain(smtp_server.port).send(compose_invitation(make_email(recipient=Mailbox("x@example.org"))))
    assert received(smtp_server)["Subject"] == "How was your order at Acme?"


def _raw(to: str) -> EmailMessage:
    message = EmailMessage(policy=policy.compat32)  # lets a raw line break into a header
    message["From"] = "anna@acme.example"
    message["To"] = to
    message["Message-ID"] = "<1@acme.example>"
    message.set_payload("x")
    return message


@pytest.mark.parametrize(
    "to",
    [
        "maria@example.org\r\nRCPT TO:<evil@example.net>",
        "maria@example.org\nBcc: evil@example.net",
        "maria\x00@example.org",
        "maria@@example.org",
        "maria",
    ],
)
def test_a_malformed_address_is_a_permanent_failure_before_any_command(
    smtp_server: SmtpServer, to: str
) -> None:
    with pytest.raises(DeliveryError) as caught:
        plain(smtp_server.port).send(_raw(to))
    assert caught.value.permanent and caught.value.suppress_recipient
    assert "example" not in str(caught.value)  # the reason never repeats the address
    assert smtp_server.handler.rcpt_seen == [] and smtp_server.handler.messages == []


@pytest.mark.parametrize(
    ("reply", "kind"),
    [
        ("554 5.7.1 rejected as spam", FailureKind.REJECTED),
        ("550 5.1.1 no mailbox", FailureKind.BOUNCE),
    ],
)
def test_a_5xx_after_data_is_permanent(
    smtp_server: SmtpServer, make_email: MakeEmail, reply: str, kind: FailureKind
) -> None:
    smtp_server.handler.data_reply = reply
    with pytest.raises(DeliveryError) as caught:
        plain(smtp_server.port).send(compose_invitation(make_email()))
    assert caught.value.kind is kind and caught.value.permanent


def test_a_failed_quit_after_acceptance_is_still_a_send(
    smtp_server: SmtpServer, make_email: MakeEmail
) -> None:
    smtp_server.handler.quit_reply = "500 5.0.0 going away rudely"
    outcome = plain(smtp_server.port).send(compose_invitation(make_email()))
    assert outcome.recipients == ("maria.rossi@example.org",)
    assert len(smtp_server.handler.messages) == 1
