"""DKIM: signed by us, verified by dkimpy against the public key of a fresh key pair."""

from __future__ import annotations

import dkim
import pytest

from cxlens.channels.email import (
    DkimKey,
    SmtpConfig,
    SmtpEmailSender,
    SmtpSecurity,
    compose_invitation,
    dkim_sign,
    serialise,
)
from cxlens.core.errors import ConfigurationError

from .conftest import MakeEmail, RsaKeyPair, SmtpServer


def dns_for(keypair: RsaKeyPair, selector: str = "cx1", domain: str = "acme.example"):  # type: ignore[no-untyped-def]
    def lookup(name: bytes, timeout: int = 5) -> bytes | None:
        if name == f"{selector}._domainkey.{domain}.".encode():
            return keypair.dns_record()
        return None

    return lookup


def test_signed_message_verifies(make_email: MakeEmail, rsa_keypair: RsaKeyPair) -> None:
    key = DkimKey("acme.example", "cx1", rsa_keypair.private_pem)
    signed = serialise(compose_invitation(make_email()), key)
    assert signed.startswith(b"DKIM-Signature:")
    assert dkim.verify(signed, dnsfunc=dns_for(rsa_keypair))


def test_signature_covers_the_unsubscribe_headers(
    make_email: MakeEmail, rsa_keypair: RsaKeyPair
) -> None:
    key = DkimKey("acme.example", "cx1", rsa_keypair.private_pem)
    signed = serialise(compose_invitation(make_email()), key)
    header = signed.split(b"\r\n\r\n", 1)[0].replace(b"\r\n", b"").replace(b" ", b"")
    tag_h = header.split(b"h=", 1)[1].split(b";", 1)[0].lower()
    for name in (b"list-unsubscribe", b"list-unsubscribe-post", b"from", b"subject"):
        assert name in tag_h.split(b":")
    forged = signed.replace(b"List-Unsubscribe-Post: List-Unsubscribe=One-Click", b"X: y")
    assert not dkim.verify(forged, dnsfunc=dns_for(rsa_keypair))


def test_changed_body_fails_verification(make_email: MakeEmail, rsa_keypair: RsaKeyPair) -> None:
    key = DkimKey("acme.example", "cx1", rsa_keypair.private_pem)
    signed = serialise(compose_invitation(make_email()), key)
    tampered = signed.replace(b"Thank you for shopping", b"Thank you for shipping")
    assert tampered != signed
    assert not dkim.verify(tampered, dnsfunc=dns_for(rsa_keypair))


def test_wrong_public_key_fails_verification(
    make_email: MakeEmail, rsa_keypair: RsaKeyPair
) -> None:
    key = DkimKey("acme.example", "other", rsa_keypair.private_pem)
    signed = serialise(compose_invitation(make_email()), key)
    assert not dkim.verify(signed, dnsfunc=dns_for(rsa_keypair))  # no record for "other"


def test_signature_survives_smtp_delivery(
    smtp_server: SmtpServer, make_email: MakeEmail, rsa_keypair: RsaKeyPair
) -> None:
    key = DkimKey("acme.example", "cx1", rsa_keypair.private_pem)
    config = SmtpConfig("127.0.0.1", smtp_server.port, security=SmtpSecurity.NONE, timeout=5)
    SmtpEmailSender(config, dkim=key).send(compose_invitation(make_email()))
    delivered = smtp_server.handler.messages[0].data
    assert delivered.startswith(b"DKIM-Signature:")
    assert dkim.verify(delivered, dnsfunc=dns_for(rsa_keypair))


def test_garbage_private_key_is_a_configuration_error(make_email: MakeEmail) -> None:
    data = serialise(compose_invitation(make_email()))
    with pytest.raises(ConfigurationError, match="DKIM"):
        dkim_sign(data, DkimKey("acme.example", "cx1", b"not a key"))
