"""Twilio's Messages API: ``POST {base_url}/2010-04-01/Accounts/{sid}/Messages.json``.

Form fields ``To``, ``From`` (or ``MessagingServiceSid``), ``Body`` and optionally
``StatusCallback``; HTTP basic auth with the account SID and auth token. Twilio's error
replies are JSON (``{"code": 21211, "message": ..., "status": 400}``) and mapped by code.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from types import TracebackType

import httpx

from cxlens.channels.errors import DeliveryError, FailureKind
from cxlens.channels.sms.http import json_body, status_kind, transport_error
from cxlens.channels.sms.sender import SentSms, check_number
from cxlens.core.errors import ConfigurationError

PROVIDER = "twilio"

BOUNCE_CODES = frozenset({21211, 21217, 21401, 21407, 21610, 21612, 21614})
"""Invalid or unreachable 'To' number, or the recipient replied STOP: suppress it."""
DELIVERY_BOUNCE_CODES = BOUNCE_CODES | frozenset({30005, 30006})
"""Bounce codes in delivery reports: the above, unknown handset (30005), landline or
unreachable carrier (30006)."""
CONFIGURATION_CODES = frozenset(
    {20003, 20404, 21212, 21408, 21603, 21606, 21608, 21659, 21660, 21705}
)
"""Credentials, sender number, messaging service or region permissions are wrong."""
TEMPORARY_CODES = frozenset({20429, 30001})
"""Rate limited or queue overflow: retry later."""


@dataclass(frozen=True, slots=True)
class TwilioConfig:
    """Twilio account and sender. Give ``from_number`` or ``messaging_service_sid``."""

    account_sid: str
    auth_token: str = field(repr=False)
    from_number: str | None = None
    messaging_service_sid: str | None = None
    base_url: str = "https://api.twilio.com"
    status_callback: str | None = None
    timeout: float = 10.0


def classify_twilio_reply(status: int, body: dict[str, object]) -> DeliveryError:
    """The DeliveryError for a non-2xx reply from Twilio."""
    raw_code = body.get("code")
    code = raw_code if isinstance(raw_code, int) else None
    message = str(body.get("message") or f"HTTP {status}")
    if code in BOUNCE_CODES:
        kind = FailureKind.BOUNCE
    elif code in CONFIGURATION_CODES:
        kind = FailureKind.CONFIGURATION
    elif code in TEMPORARY_CODES:
        kind = FailureKind.TEMPORARY
    else:
        kind = status_kind(status) or FailureKind.REJECTED
    return DeliveryError(
        kind, message, code=code if code is not None else status, provider=PROVIDER
    )


class TwilioSmsSender:
    """An :class:`~cxlens.channels.sms.sender.SmsSender` for Twilio (or anything with its API).

    Twilio has no idempotency key for new messages: ``idempotency_key`` is accepted and not
    sent; keep the returned ``provider_id`` to recognise the message later.
    """

    def __init__(self, config: TwilioConfig, *, client: httpx.Client | None = None) -> None:
        if (config.from_number is None) == (config.messaging_service_sid is None):
            raise ConfigurationError("Twilio needs a from number or a messaging service SID")
        self._config = config
        self._client = client or httpx.Client(timeout=config.timeout)
        self._owns_client = client is None
        base = config.base_url.rstrip("/")
        self._url = f"{base}/2010-04-01/Accounts/{config.account_sid}/Messages.json"

    def send(self, to: str, body: str, *, idempotency_key: str | None = None) -> SentSms:
        """Send one message; raises :class:`DeliveryError` when Twilio does not take it."""
        c = self._config
        form = {"To": check_number(to, PROVIDER), "Body": body}
        if c.from_number is not None:
            form["From"] = c.from_number
        if c.messaging_service_sid is not None:
            form["MessagingServiceSid"] = c.messaging_service_sid
        if c.status_callback is not None:
            form["StatusCallback"] = c.status_callback
        try:
            response = self._client.post(
                self._url, data=form, auth=(c.account_sid, c.auth_token), timeout=c.timeout
            )
        except httpx.HTTPError as exc:
            raise transport_error(exc, PROVIDER) from exc
        reply = json_body(response)
        if not response.is_success:
            raise classify_twilio_reply(response.status_code, reply)
        return SentSms(
            provider_id=str(reply.get("sid", "")), to=to, status=str(reply.get("status", ""))
        )

    def close(self) -> None:
        """Close the HTTP client if this sender made it."""
        if self._owns_client:
            self._client.close()

    def __enter__(self) -> TwilioSmsSender:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()
