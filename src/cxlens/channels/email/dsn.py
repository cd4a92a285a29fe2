"""Read delivery-status notifications (RFC 3464 DSNs): who failed, how, and what was sent.

A mail server that accepted a message and could not deliver it later sends a DSN to the
envelope sender: ``multipart/report; report-type=delivery-status`` with a human-readable
part, a ``message/delivery-status`` part (one block about the message, then one block per
recipient: ``Final-Recipient``, ``Action``, ``Status`` …) and, usually, the returned message
or its headers (``message/rfc822`` or ``text/rfc822-headers``). Postfix, Exim, Exchange and
Gmail all send this format. Anything else (an auto-reply, a vacation notice, a bounce in
free text) is not a DSN here: :func:`parse_dsn` returns ``None`` for it.

Only the standard library's :mod:`email` package is used. ``flufl.bounce`` (Mailman's
detectors) also recognises free-text bounces but answers with addresses only, without the
status codes or the returned headers that cxlens needs to find the invitation.
"""

from __future__ import annotations

import email
import re
from dataclasses import dataclass
from email.message import Message
from email.policy import compat32
from email.utils import getaddresses

_STATUS = re.compile(r"^\s*([245])\.(\d{1,3})\.(\d{1,3})\b")
#: Headers of the DSN itself that may carry the address it was sent to (the VERP address).
ENVELOPE_HEADERS = ("Delivered-To", "X-Original-To", "Envelope-To", "X-Envelope-To", "To")


@dataclass(frozen=True, slots=True)
class FailedRecipient:
    """One per-recipient block of a DSN.

    ``status`` is the RFC 3463 code (``5.1.1``); ``action`` is ``failed``, ``delayed``,
    ``delivered``, ``relayed`` or ``expanded``.
    """

    recipient: str
    original_recipient: str | None
    action: str
    status: str
    diagnostic: str | None = None
    remote_mta: str | None = None

    @property
    def permanent(self) -> bool:
        """True for a permanent failure (``Action: failed``, ``Status: 5.x.x``): suppress."""
        return self.action == "failed" and self.status.startswith("5.")

    @property
    def transient(self) -> bool:
        """True for a delay or a 4.x.x failure: the server is still trying, or may later."""
        return not self.permanent and (self.action == "delayed" or self.status.startswith("4."))


@dataclass(frozen=True, slots=True)
class DeliveryReport:
    """A parsed DSN: its own Message-ID, who reported, the recipient blocks, the headers of
    the returned message (if it came back) and the addresses the DSN itself was sent to."""

    message_id: str | None
    reporting_mta: str | None
    envelope_id: str | None
    recipients: tuple[FailedRecipient, ...]
    returned_headers: Message | None
    sent_to: tuple[str, ...]

    @property
    def permanent(self) -> tuple[FailedRecipient, ...]:
        """The recipients that failed for good."""
        return tuple(r for r in self.recipients if r.permanent)


def _typed_value(value: str | None) -> str | None:
    """``rfc822; anna@example.com`` → ``anna@example.com`` (the address type dropped)."""
    if value is None:
        return None
    text = " ".join(str(value).split())
    if ";" in text:
        text = text.split(";", 1)[1]
    text = text.strip().strip("<>").strip()
    return text or None


def _status(value: str | None) -> str | None:
    match = _STATUS.match(str(value or ""))
    return ".".join(match.groups()) if match else None


def _recipient(block: Message) -> FailedRecipient | None:
    final = _typed_value(block.get("Final-Recipient"))
    original = _typed_value(block.get("Original-Recipient"))
    status = _status(block.get("Status"))
    action = str(block.get("Action") or "").strip().lower()
    if (final is None and original is None) or status is None or not action:
        return None
    diagnostic = block.get("Diagnostic-Code")
    return FailedRecipient(
        recipient=(final or original or "").lower(),
        original_recipient=original.lower() if original else None,
        action=action,
        status=status,
        diagnostic=_typed_value(diagnostic) if diagnostic is not None else None,
        remote_mta=_typed_value(block.get("Remote-MTA")),
    )


def _returned_headers(report: Message) -> Message | None:
    for part in report.walk():
        content_type = part.get_content_type()
        if content_type == "message/rfc822":
            payload = part.get_payload()
            if isinstance(payload, list) and payload and isinstance(payload[0], Message):
                return payload[0]
        if content_type == "text/rfc822-headers":
            raw = part.get_payload(decode=True)
            if isinstance(raw, bytes):
                return email.message_from_bytes(raw.lstrip(), policy=compat32)
    return None


def _status_blocks(report: Message) -> list[Message] | None:
    for part in report.walk():
        if part.get_content_type() in ("message/delivery-status", "message/global-delivery-status"):
            payload = part.get_payload()
            if isinstance(payload, list):
                return [b for b in payload if isinstance(b, Message)]
            if isinstance(payload, str):  # an encoded part: parse its blocks by hand
                raw = part.get_payload(decode=True)
                text = raw.decode("utf-8", "replace") if isinstance(raw, bytes) else payload
                return [
                    email.message_from_string(chunk.strip() + "\n", policy=compat32)
                    for chunk in re.split(r"\r?\n\s*\r?\n", text)
                    if chunk.strip()
                ]
    return None


def _is_report(message: Message) -> bool:
    if message.get_content_type() != "multipart/report":
        return False
    return str(message.get_param("report-type", "") or "").lower() in (
        "delivery-status",
        "global-delivery-status",
    )


def parse_dsn(raw: bytes) -> DeliveryReport | None:
    """The DSN in ``raw`` (an RFC 822 message), or ``None`` when it is not one."""
    message = email.message_from_bytes(raw, policy=compat32)
    if not _is_report(message):
        return None
    blocks = _status_blocks(message)
    if not blocks:
        return None
    per_message, per_recipient = blocks[0], blocks[1:]
    recipients = tuple(r for r in (_recipient(b) for b in per_recipient) if r is not None)
    if not recipients:  # some servers put no per-message block first
        recipients = tuple(r for r in (_recipient(b) for b in blocks) if r is not None)
    if not recipients:
        return None
    sent_to: list[str] = []
    for name in ENVELOPE_HEADERS:
        for _, address in getaddresses([str(v) for v in message.get_all(name, [])]):
            if address and address not in sent_to:
                sent_to.append(address)
    message_id = message.get("Message-ID")
    return DeliveryReport(
        message_id=str(message_id).strip() if message_id else None,
        reporting_mta=_typed_value(per_message.get("Reporting-MTA")),
        envelope_id=_typed_value(per_message.get("Original-Envelope-Id")),
        recipients=recipients,
        returned_headers=_returned_headers(message),
        sent_to=tuple(sent_to),
    )
