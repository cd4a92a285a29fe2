"""Reading DSNs as Postfix, Exchange and Gmail send them; VERP addresses."""

from __future__ import annotations

import pytest

from cxlens.channels.email import parse_dsn, tokens_in_addresses, tokens_in_headers, verp_address
from cxlens.core.signing import Purpose, Signer

from .dsn_samples import STYLES, dsn


@pytest.mark.parametrize("style", STYLES)
def test_a_permanent_failure_names_the_recipient_and_its_status(style: str) -> None:
    report = parse_dsn(dsn(style, recipient="Giulia@Example.com", status="5.1.1"))
    assert report is not None
    [failed] = report.recipients
    assert failed.recipient == "giulia@example.com"
    assert (failed.action, failed.status, failed.permanent) == ("failed", "5.1.1", True)
    assert failed.diagnostic is not None and "5.1.1" in failed.diagnostic
    assert report.permanent == (failed,)
    assert report.returned_headers is not None
    assert report.returned_headers["Subject"] == "Giulia, how did we do?"
    assert "bounces@acme.example" in report.sent_to


def test_a_mailbox_full_5_2_2_is_permanent_but_a_4_x_x_failure_is_not() -> None:
    full = parse_dsn(dsn("postfix", status="5.2.2"))
    assert full is not None and full.recipients[0].permanent
    soft = parse_dsn(dsn("postfix", status="4.2.2"))
    assert soft is not None
    assert not soft.recipients[0].permanent and soft.recipients[0].transient


def test_a_delay_warning_is_transient() -> None:
    report = parse_dsn(dsn("delayed"))
    assert report is not None
    [delayed] = report.recipients
    assert (delayed.action, delayed.status) == ("delayed", "4.4.1")
    assert delayed.transient and not delayed.permanent
    assert report.permanent == ()


def test_messages_that_are_not_dsns_are_none() -> None:
    assert parse_dsn(dsn("autoreply")) is None
    assert parse_dsn(b"Subject: hello\r\n\r\nplain text\r\n") is None
    assert parse_dsn(b"") is None
    no_blocks = (
        b"Content-Type: multipart/report; report-type=delivery-status; boundary=x\r\n\r\n"
        b"--x\r\nContent-Type: text/plain\r\n\r\nhello\r\n--x--\r\n"
    )
    assert parse_dsn(no_blocks) is None


def test_verp_address_round_trips_a_token_even_lower_cased() -> None:
    signer = Signer(["verp-test-key-0123456789abcdef"])
    token = signer.sign(123456, purpose=Purpose.BOUNCE)
    address = verp_address("bounces@acme.example", token)
    local = address.split("@")[0]
    assert local.startswith("bounces+") and len(local) <= 64
    assert local == local.lower()
    found = tokens_in_addresses("Bounces@ACME.example", [f"<{address.upper()}>"])
    assert found == [token]
    assert signer.verify(found[0], purpose=Purpose.BOUNCE).invitation_id == 123456
    assert tokens_in_addresses("bounces@acme.example", ["bounces@acme.example"]) == []
    assert tokens_in_addresses("bounces@acme.example", ["xbounces+abc@acme.example"]) == []


def test_references_are_read_from_returned_headers() -> None:
    original = (
        "Return-Path: <bounces+mfrggzdf@acme.example>\n"
        "X-Cxlens-Invitation: AAECAwQFBgcICQoL\n"
        "Subject: hi\n"
    )
    report = parse_dsn(dsn("gmail", original=original))
    assert report is not None
    tokens = tokens_in_headers(report.returned_headers, "bounces@acme.example")
    assert tokens[0] == "AAECAwQFBgcICQoL"
    assert len(tokens) == 2
    assert tokens_in_headers(None, "bounces@acme.example") == []
