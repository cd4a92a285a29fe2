"""The email sender Protocol and the in-memory sender for the layers above."""

from __future__ import annotations

from dataclasses import dataclass, field
from email.message import EmailMessage
from email.utils import getaddresses
from typing import Protocol

from cxlens.channels.errors import DeliveryError


@dataclass(frozen=True, slots=True)
class SentEmail:
    """A message the server accepted: its Message-ID and the envelope recipients."""

    message_id: str
    recipients: tuple[str, ...]


class EmailSender(Protocol):
    """Hands a composed message to a mail server. Raises :class:`DeliveryError`."""

    def send(self, message: EmailMessage, *, envelope_from: str | None = None) -> SentEmail:
        """Send ``message`` to its To/Cc/Bcc recipients; ``envelope_from`` (a per-message
        VERP bounce address) replaces the configured envelope sender."""
        ...


def address_problem(address: str) -> str | None:
    """What makes ``address`` unusable as an email address, or ``None`` when it looks usable.

    The answer never repeats the address (it is safe to log): a line break or another
    control character (which would inject SMTP commands or headers), a space, no ``@`` or
    more than one, an empty local part or domain, characters that only belong around an
    address (``<>,;"``). A permanent problem: retrying cannot help.
    """
    text = address.strip()
    if not text:
        return "is empty"
    if "\r" in text or "\n" in text:
        return "contains a line break"
    if any(ord(c) < 32 or ord(c) == 127 for c in text):
        return "contains a control character"
    if any(c.isspace() for c in text):
        return "contains a space"
    if any(c in '<>,;"' for c in text):
        return 'contains one of < > , ; "'
    if text.count("@") != 1:
        return "does not have exactly one @"
    local, domain = text.split("@")
    if not local or not domain:
        return "has an empty part before or after the @"
    return None


def envelope_recipients(message: EmailMessage) -> tuple[str, ...]:
    """The addresses in To, Cc and Bcc, in order, without duplicates."""
    fields = [str(v) for name in ("To", "Cc", "Bcc") for v in message.get_all(name, [])]
    seen: dict[str, None] = {}
    for _, address in getaddresses(fields):
        if address:
            seen.setdefault(address, None)
    return tuple(seen)


@dataclass
class InMemoryEmailSender:
    """Keeps sent messages in ``sent``; ``failures`` maps an address to the error to raise.

    For unit tests of the layers above; the real adapter is tested against a real server.
    """

    sent: list[EmailMessage] = field(default_factory=list)
    failures: dict[str, DeliveryError] = field(default_factory=dict)
    envelope_senders: list[str | None] = field(default_factory=list)

    def send(self, message: EmailMessage, *, envelope_from: str | None = None) -> SentEmail:
        """Record ``message`` (or raise the failure configured for its recipient)."""
        recipients = envelope_recipients(message)
        for address in recipients:
            failure = self.failures.get(address.lower())
            if failure is not None:
                raise failure
        self.sent.append(message)
        self.envelope_senders.append(envelope_from)
        return SentEmail(message_id=str(message["Message-ID"]), recipients=recipients)

    def to(self, address: str) -> list[EmailMessage]:
        """The messages sent to ``address``."""
        wanted = address.lower()
        return [m for m in self.sent if wanted in (a.lower() for a in envelope_recipients(m))]
