"""Compose an invitation email: plain text and HTML, personalised, unsubscribable.

The words come from the caller in the customer's language (:class:`EmailTemplate`); this
module only assembles them: ``${name}``/``${first_name}``/``${company}`` filled in, the
vote inside the email, the survey link, a human signature, the unsubscribe footer and the
``List-Unsubscribe`` headers (RFC 2369 and RFC 8058 one-click), and the Message-ID the
caller gives: the one the delivery ledger stored before the send
(:func:`cxlens.jobs.message_id_for`), the same for every retry of the same attempt, so a
receiving server can drop a duplicate and the ledger names the message actually sent.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime
from html import escape
from urllib.parse import urlsplit

from cxlens.channels.email.sender import address_problem
from cxlens.channels.email.templating import Personalisation, one_line, render
from cxlens.channels.email.vote import (
    LinkBuilder,
    VoteQuestion,
    render_vote_html,
    render_vote_text,
)
from cxlens.core.errors import InputError, Location

_LOOPBACK = frozenset({"localhost", "127.0.0.1", "::1"})
_FONT = "font-family:Arial,Helvetica,sans-serif;"
_TEXT = f"margin:0 0 16px;{_FONT}font-size:16px;line-height:24px;color:#111827;"


@dataclass(frozen=True, slots=True)
class Mailbox:
    """An email address with an optional human name ("Anna at Acme" <anna@acme.example>)."""

    address: str
    name: str | None = None

    def header(self, field: str) -> Address:
        """This mailbox as a header value; a malformed address is an :class:`InputError`."""
        address = self.address.strip()
        problem = address_problem(address)
        if problem is not None:
            raise InputError(
                f"{address!r} is not an email address: it {problem}",
                Location(field=field),
                expected="an address such as name@example.com",
            )
        username, domain = address.split("@")
        return Address(display_name=one_line(self.name or ""), username=username, domain=domain)

    @property
    def domain(self) -> str:
        """The part after the ``@``."""
        return self.address.rsplit("@", 1)[-1].strip().lower()


@dataclass(frozen=True, slots=True)
class EmailTemplate:
    """The words of an invitation in one language. Placeholders: ``${name}``,
    ``${first_name}``, ``${company}``.

    ``body`` is plain text; blank lines separate paragraphs. ``signature`` is the human
    sign-off, one line per line ("Anna Rossi\\nCustomer care, Acme"). The ``*_without_name``
    variants are used for customers whose name is unknown.
    """

    subject: str
    greeting: str
    body: str
    call_to_action: str
    signature: str
    unsubscribe_text: str
    subject_without_name: str | None = None
    greeting_without_name: str | None = None


@dataclass(frozen=True, slots=True)
class InvitationEmail:
    """Everything one invitation email is made of.

    ``attempt_key`` identifies the send attempt (say ``"initial"``, ``"reminder-1"``).
    ``message_id`` (``<id@domain>``) is set as the Message-ID header unchanged: the caller
    takes it from the delivery ledger, which derives it from the invitation and attempt and
    stores it before the send, so a retried send of the same attempt carries the same one.
    ``vote_link`` builds the signed answer URL of each score of ``vote``.
    """

    sender: Mailbox
    recipient: Mailbox
    template: EmailTemplate
    company: str
    survey_url: str
    unsubscribe_url: str
    unsubscribe_mailto: str
    invitation_id: int
    attempt_key: str
    message_id: str
    language: str = "en"
    vote: VoteQuestion | None = None
    vote_link: LinkBuilder | None = None
    reply_to: Mailbox | None = None
    date: datetime | None = None


_MESSAGE_ID = re.compile(r"<[!-;=?-~]+@[!-;=?-~]+>")


def _check_message_id(value: str) -> str:
    if not _MESSAGE_ID.fullmatch(value):
        raise InputError(
            f"{value!r} is not a Message-ID",
            Location(field="message_id"),
            expected="<id@domain> with no spaces or control characters",
        )
    return value


def _check_url(url: str, field: str, *, https_only: bool) -> str:
    parts = urlsplit(url)
    loopback = parts.hostname in _LOOPBACK
    allowed = {"https"} if https_only and not loopback else {"https", "http"}
    if parts.scheme not in allowed or not parts.netloc or any(c.isspace() for c in url):
        raise InputError(
            f"{url!r} is not a usable link",
            Location(field=field),
            expected="an https:// URL" if https_only else "an http(s):// URL",
        )
    return url


def _paragraphs_html(text: str) -> str:
    blocks = [b.strip() for b in text.replace("\r\n", "\n").split("\n\n") if b.strip()]
    return "\n".join(
        f'<p style="{_TEXT}">{"<br>".join(escape(line) for line in block.splitlines())}</p>'
        for block in blocks
    )


def _html(
    email: InvitationEmail, subject: str, greeting: str, body: str, signature: str, vote: str
) -> str:
    t = email.template
    button = (
        f'<table role="presentation" cellpadding="0" cellspacing="0" border="0" '
        f'style="margin:24px 0;"><tr><td style="border-radius:4px;background:#1d4ed8;">'
        f'<a href="{escape(email.survey_url, quote=True)}" target="_blank" '
        f'style="display:inline-block;padding:12px 20px;{_FONT}font-size:16px;'
        f'line-height:24px;color:#ffffff;font-weight:bold;text-decoration:none;">'
        f"{escape(t.call_to_action)}</a></td></tr></table>"
    )
    footer = (
        f'<p style="margin:16px 0 0;{_FONT}font-size:13px;line-height:18px;color:#374151;">'
        f'<a href="{escape(email.unsubscribe_url, quote=True)}" style="color:#374151;">'
        f"{escape(t.unsubscribe_text)}</a></p>"
    )
    return (
        "<!DOCTYPE html>\n"
        f'<html lang="{escape(email.language, quote=True)}">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{escape(subject)}</title>\n</head>\n"
        '<body style="margin:0;padding:0;background:#f3f4f6;">\n'
        '<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" '
        'style="background:#f3f4f6;"><tr><td align="center" style="padding:24px 12px;">\n'
        '<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" '
        'style="max-width:600px;background:#ffffff;border-radius:6px;">'
        '<tr><td style="padding:24px;">\n'
        f'<p style="{_TEXT}">{escape(greeting)}</p>\n'
        f"{_paragraphs_html(body)}\n"
        f"{vote}\n{button}\n"
        f"{_paragraphs_html(signature)}\n"
        "</td></tr></table>\n"
        f"{footer}\n"
        "</td></tr></table>\n</body>\n</html>\n"
    )


def _text(email: InvitationEmail, greeting: str, body: str, signature: str, vote: str) -> str:
    t = email.template
    blocks = [greeting, body.strip()]
    if vote:
        blocks.append(vote)
    blocks.append(f"{t.call_to_action}:\n{email.survey_url}")
    blocks.append(signature.strip())
    blocks.append(f"-- \n{t.unsubscribe_text}:\n{email.unsubscribe_url}")
    return "\n\n".join(blocks) + "\n"


def compose_invitation(email: InvitationEmail) -> EmailMessage:
    """The invitation as a ``multipart/alternative`` message (plain text, then HTML)."""
    t = email.template
    who = Personalisation(name=email.recipient.name, company=email.company)
    subject = one_line(render(t.subject, who, field="subject", without_name=t.subject_without_name))
    greeting = render(t.greeting, who, field="greeting", without_name=t.greeting_without_name)
    body = render(t.body, who, field="body")
    signature = render(t.signature, who, field="signature")
    _check_url(email.survey_url, "survey_url", https_only=False)
    _check_url(email.unsubscribe_url, "unsubscribe_url", https_only=True)
    if not email.unsubscribe_mailto.startswith("mailto:") or any(
        c.isspace() or c in "<>" for c in email.unsubscribe_mailto
    ):
        raise InputError(
            f"{email.unsubscribe_mailto!r} is not a mailto: link",
            Location(field="unsubscribe_mailto"),
            expected="mailto:unsubscribe@example.com?subject=...",
        )
    vote_html = vote_text = ""
    if email.vote is not None:
        if email.vote_link is None:
            raise InputError("a vote question needs a link builder", Location(field="vote_link"))
        vote_html = render_vote_html(email.vote, email.vote_link)
        vote_text = render_vote_text(email.vote, email.vote_link)

    message = EmailMessage()
    message["From"] = email.sender.header("sender")
    message["To"] = email.recipient.header("recipient")
    if email.reply_to is not None:
        message["Reply-To"] = email.reply_to.header("reply_to")
    message["Subject"] = subject
    message["Date"] = format_datetime(email.date or datetime.now(UTC))
    message["Message-ID"] = _check_message_id(email.message_id)
    message["List-Unsubscribe"] = f"<{email.unsubscribe_mailto}>, <{email.unsubscribe_url}>"
    message["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    message["Auto-Submitted"] = "auto-generated"
    # Quoted-printable keeps the message 7-bit clean, so any relay passes it unchanged
    # (an 8-bit body rewritten on the way would break the DKIM signature).
    message.set_content(_text(email, greeting, body, signature, vote_text), cte="quoted-printable")
    message.add_alternative(
        _html(email, subject, greeting, body, signature, vote_html),
        subtype="html",
        cte="quoted-printable",
    )
    message["Content-Language"] = email.language  # after the content: set_content clears it
    return message
