"""Composing the invitation: both parts, personalisation, unsubscribe headers, Message-ID."""

from __future__ import annotations

import email
from email import policy
from email.message import EmailMessage

import pytest

from cxlens.channels.email import (
    EmailTemplate,
    Mailbox,
    compose_invitation,
    serialise,
)
from cxlens.core.errors import InputError
from cxlens.core.signing import Purpose, Signer
from cxlens.jobs import message_id_for

from .conftest import MakeEmail
from .html_links import links, tags


def parts(message: EmailMessage) -> tuple[str, str]:
    text = message.get_body(("plain",))
    html = message.get_body(("html",))
    assert text is not None and html is not None
    return text.get_content(), html.get_content()  # type: ignore[attr-defined]


def test_message_is_multipart_alternative_with_text_first(make_email: MakeEmail) -> None:
    message = compose_invitation(make_email())
    assert message.get_content_type() == "multipart/alternative"
    kinds = [part.get_content_type() for part in message.iter_parts()]
    assert kinds == ["text/plain", "text/html"]  # clients show the last part they can


def test_subject_and_greeting_are_personalised(make_email: MakeEmail) -> None:
    message = compose_invitation(make_email())
    assert message["Subject"] == "Maria, how was your order at Acme?"
    text, html = parts(message)
    assert text.startswith("Dear Maria Rossi,\n\nThank you for shopping with Acme.")
    assert "Dear Maria Rossi," in html
    assert str(message["To"]) == "Maria Rossi <maria.rossi@example.org>"
    assert str(message["From"]) == "Anna from Acme <anna@acme.example>"


def test_customer_without_name_gets_the_nameless_variants(make_email: MakeEmail) -> None:
    message = compose_invitation(make_email(recipient=Mailbox("x@example.org")))
    assert message["Subject"] == "How was your order at Acme?"
    text, _ = parts(message)
    assert text.startswith("Hello,\n")
    assert str(message["To"]) == "x@example.org"


def test_name_placeholder_without_a_variant_is_an_input_error(make_email: MakeEmail) -> None:
    template = EmailTemplate("Hi ${name}", "Hi ${name}", "b", "Go", "A", "Unsubscribe")
    with pytest.raises(InputError) as caught:
        compose_invitation(make_email(recipient=Mailbox("x@example.org"), template=template))
    assert caught.value.location.field == "subject"


def test_unknown_placeholder_is_an_input_error(make_email: MakeEmail) -> None:
    template = EmailTemplate("Hi ${customer}", "Hi", "b", "Go", "A", "Unsubscribe")
    with pytest.raises(InputError, match="customer") as caught:
        compose_invitation(make_email(template=template))
    assert caught.value.location.field == "subject"


def test_sender_signature_and_survey_link_are_in_both_parts(make_email: MakeEmail) -> None:
    invitation = make_email()
    text, html = parts(compose_invitation(invitation))
    assert "Anna Bianchi\nCustomer care, Acme" in text
    assert "Anna Bianchi<br>Customer care, Acme" in html
    assert f"Answer the survey:\n{invitation.survey_url}" in text
    cta = [a for a in links(html) if a["href"] == invitation.survey_url]
    assert len(cta) == 1


def test_list_unsubscribe_headers_are_one_click(make_email: MakeEmail) -> None:
    invitation = make_email()
    message = compose_invitation(invitation)
    assert message["List-Unsubscribe"] == (
        f"<{invitation.unsubscribe_mailto}>, <{invitation.unsubscribe_url}>"
    )
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    text, html = parts(message)
    assert invitation.unsubscribe_url in text
    footer = [a for a in links(html) if a["href"] == invitation.unsubscribe_url]
    assert footer and "Unsubscribe" in html


def test_unsubscribe_token_verifies_for_its_purpose(make_email: MakeEmail, signer: Signer) -> None:
    invitation = make_email()
    token = invitation.unsubscribe_url.rsplit("/", 1)[1]
    assert signer.verify(token, purpose=Purpose.UNSUBSCRIBE).invitation_id == 4321


def test_plain_http_unsubscribe_url_is_refused_except_on_loopback(make_email: MakeEmail) -> None:
    with pytest.raises(InputError) as caught:
        compose_invitation(make_email(unsubscribe_url="http://cx.example/u/x"))
    assert caught.value.location.field == "unsubscribe_url"
    compose_invitation(make_email(unsubscribe_url="http://127.0.0.1:8000/u/x"))


def test_bad_mailto_is_an_input_error(make_email: MakeEmail) -> None:
    with pytest.raises(InputError) as caught:
        compose_invitation(make_email(unsubscribe_mailto="unsubscribe@acme.example"))
    assert caught.value.location.field == "unsubscribe_mailto"


def test_the_message_id_is_the_one_given_unchanged(make_email: MakeEmail) -> None:
    ledger_id = message_id_for("email:invitation:4321:initial", "acme.example")
    message = compose_invitation(make_email(message_id=ledger_id))
    assert message["Message-ID"] == ledger_id
    wire = email.message_from_bytes(serialise(message), policy=policy.default)
    assert wire["Message-ID"] == ledger_id


@pytest.mark.parametrize("bad", ["", "no-brackets@x", "<a b@x>", "<a@x>\r\nBcc: y@z", "<ax>"])
def test_a_malformed_message_id_is_an_input_error(make_email: MakeEmail, bad: str) -> None:
    with pytest.raises(InputError) as caught:
        compose_invitation(make_email(message_id=bad))
    assert caught.value.location.field == "message_id"


def test_customer_values_are_escaped_in_html(make_email: MakeEmail) -> None:
    invitation = make_email(
        recipient=Mailbox("x@example.org", 'Eve <script>alert("x")</script>'),
        company="Tom & Jerry's",
    )
    text, html = parts(compose_invitation(invitation))
    assert "<script>" not in html
    assert "&lt;script&gt;" in html
    assert "Tom &amp; Jerry&#x27;s" in html
    assert "Tom & Jerry's" in text


def test_line_breaks_in_names_cannot_inject_headers(make_email: MakeEmail) -> None:
    invitation = make_email(recipient=Mailbox("x@example.org", "Mallory\r\nBcc: victim@evil.test"))
    message = compose_invitation(invitation)
    wire = serialise(message)
    assert b"\r\nBcc:" not in wire
    assert message["Subject"] == "Mallory, how was your order at Acme?"


def test_non_ascii_text_survives_the_wire(make_email: MakeEmail) -> None:
    template = EmailTemplate(
        subject="${first_name}, cum a fost comanda la ${company}?",
        greeting="Dragă ${first_name},",
        body="Mulțumim că ați cumpărat de la ${company}.",
        call_to_action="Răspundeți",
        signature="Ana",
        unsubscribe_text="Dezabonare",
    )
    invitation = make_email(
        template=template, recipient=Mailbox("s@example.ro", "Ștefan Ionescu"), language="ro"
    )
    wire = serialise(compose_invitation(invitation))
    assert wire.isascii()  # 7-bit safe: any relay takes it
    parsed = email.message_from_bytes(wire, policy=policy.default)
    assert isinstance(parsed, EmailMessage)
    assert parsed["Subject"] == "Ștefan, cum a fost comanda la Acme?"
    assert parsed["Content-Language"] == "ro"
    text, html = parts(parsed)
    assert "Dragă Ștefan," in text
    assert 'lang="ro"' in html


def test_html_needs_no_css_files_or_scripts(make_email: MakeEmail) -> None:
    _, html = parts(compose_invitation(make_email()))
    used = tags(html)
    assert {"script", "style", "link", "form", "input"}.isdisjoint(used)
    assert "table" in used


@pytest.mark.parametrize(
    "address",
    ["not-an-address", "a@", "@b", "a b@c.d", "a@b@c", "a@b.c\r\nRCPT TO:<x@y.z>", "a\x1b@b.c"],
)
def test_malformed_recipient_is_an_input_error(make_email: MakeEmail, address: str) -> None:
    with pytest.raises(InputError) as caught:
        compose_invitation(make_email(recipient=Mailbox(address, "X")))
    assert caught.value.location.field == "recipient"


def test_vote_without_link_builder_is_an_input_error(make_email: MakeEmail) -> None:
    with pytest.raises(InputError):
        compose_invitation(make_email(vote_link=None))


def test_email_without_vote_has_no_score_links(make_email: MakeEmail) -> None:
    invitation = make_email(vote=None, vote_link=None)
    _, html = parts(compose_invitation(invitation))
    hrefs = {a["href"] for a in links(html)}
    assert hrefs == {invitation.survey_url, invitation.unsubscribe_url}
