"""The SMS sender Protocol, phone-number checks and the in-memory sender."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Protocol

from cxlens.channels.errors import DeliveryError, FailureKind

_E164 = re.compile(r"^\+[1-9][0-9]{6,14}$")


@dataclass(frozen=True, slots=True)
class SentSms:
    """A message the provider accepted, with the provider's id for it (for status callbacks)."""

    provider_id: str
    to: str
    status: str = ""


@dataclass(frozen=True, slots=True)
class OutgoingSms:
    """A message as the in-memory sender keeps it."""

    to: str
    body: str
    idempotency_key: str | None


class SmsSender(Protocol):
    """Hands one text message to a provider. Raises :class:`DeliveryError`."""

    def send(self, to: str, body: str, *, idempotency_key: str | None = None) -> SentSms:
        """Send ``body`` to ``to`` (E.164, ``+39...``); ``idempotency_key`` is passed to
        providers that support one, so a retried send is not delivered twice."""
        ...


def check_number(to: str, provider: str) -> str:
    """``to`` if it is an E.164 number; else a bounce (the number can never work)."""
    if not _E164.match(to):
        raise DeliveryError(
            FailureKind.BOUNCE,
            f"{to!r} is not a phone number in international form (+ country code, digits)",
            provider=provider,
        )
    return to


@dataclass
class InMemorySmsSender:
    """Keeps messages in ``sent``; ``failures`` maps a number to the error to raise.

    For unit tests of the layers above; the real adapters are tested against loopback servers.
    """

    sent: list[OutgoingSms] = field(default_factory=list)
    failures: dict[str, DeliveryError] = field(default_factory=dict)

    def send(self, to: str, body: str, *, idempotency_key: str | None = None) -> SentSms:
        """Record the message (or raise the failure configured for ``to``)."""
        check_number(to, "memory")
        if to in self.failures:
            raise self.failures[to]
        self.sent.append(OutgoingSms(to, body, idempotency_key))
        return SentSms(provider_id=f"mem-{len(self.sent)}", to=to, status="accepted")
