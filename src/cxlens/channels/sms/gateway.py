"""A generic JSON-over-HTTP SMS gateway: one POST per message, field names configurable.

Most regional SMS providers take ``POST <url>`` with a JSON body like ``{"to": ..., "from":
..., "text": ...}`` and an ``Authorization`` header, and answer with a JSON object holding
the message id. :class:`HttpGatewayConfig` names the fields; error replies are mapped by
HTTP status, and by the gateway's own error code where ``bounce_codes`` lists the codes
that mean "this number can never receive".
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any

import httpx

from cxlens.channels.errors import DeliveryError, FailureKind
from cxlens.channels.sms.http import json_body, status_kind, transport_error
from cxlens.channels.sms.sender import SentSms, check_number

PROVIDER = "http-gateway"


@dataclass(frozen=True, slots=True)
class HttpGatewayConfig:
    """Where the gateway is and how it names things.

    ``id_field`` and ``error_code_field``/``error_message_field`` may be dotted paths into
    the reply (``"data.id"``). ``extra_fields`` are added to every request body.
    """

    url: str
    sender_id: str | None = None
    auth_header: str = "Authorization"
    auth_value: str | None = field(default=None, repr=False)
    to_field: str = "to"
    from_field: str = "from"
    body_field: str = "text"
    id_field: str = "id"
    status_field: str | None = "status"
    error_code_field: str = "code"
    error_message_field: str = "message"
    bounce_codes: frozenset[str] = frozenset()
    idempotency_header: str | None = "Idempotency-Key"
    extra_fields: Mapping[str, Any] = field(default_factory=dict)
    timeout: float = 10.0


def _lookup(data: Mapping[str, Any], path: str) -> Any:
    value: Any = data
    for part in path.split("."):
        if not isinstance(value, Mapping) or part not in value:
            return None
        value = value[part]
    return value


class HttpGatewaySmsSender:
    """An :class:`~cxlens.channels.sms.sender.SmsSender` for a JSON HTTP gateway."""

    def __init__(self, config: HttpGatewayConfig, *, client: httpx.Client | None = None) -> None:
        self._config = config
        self._client = client or httpx.Client(timeout=config.timeout)
        self._owns_client = client is None

    def send(self, to: str, body: str, *, idempotency_key: str | None = None) -> SentSms:
        """Send one message; raises :class:`DeliveryError` when the gateway does not take it."""
        c = self._config
        payload: dict[str, Any] = dict(c.extra_fields)
        payload[c.to_field] = check_number(to, PROVIDER)
        payload[c.body_field] = body
        if c.sender_id is not None:
            payload[c.from_field] = c.sender_id
        headers = {"Accept": "application/json"}
        if c.auth_value is not None:
            headers[c.auth_header] = c.auth_value
        if c.idempotency_header and idempotency_key:
            headers[c.idempotency_header] = idempotency_key
        try:
            response = self._client.post(c.url, json=payload, headers=headers, timeout=c.timeout)
        except httpx.HTTPError as exc:
            raise transport_error(exc, PROVIDER) from exc
        reply = json_body(response)
        if not response.is_success:
            raise self._error(response.status_code, reply)
        provider_id = _lookup(reply, c.id_field)
        status = _lookup(reply, c.status_field) if c.status_field else None
        return SentSms(
            provider_id="" if provider_id is None else str(provider_id),
            to=to,
            status="" if status is None else str(status),
        )

    def _error(self, status: int, reply: Mapping[str, Any]) -> DeliveryError:
        c = self._config
        raw_code = _lookup(reply, c.error_code_field)
        message = _lookup(reply, c.error_message_field)
        detail = str(message) if message else f"HTTP {status}"
        kind = status_kind(status)
        if kind is None:
            bounce = raw_code is not None and str(raw_code) in c.bounce_codes
            kind = FailureKind.BOUNCE if bounce else FailureKind.REJECTED
        code = raw_code if isinstance(raw_code, int) else status
        if raw_code is not None and not isinstance(raw_code, int):
            detail = f"{detail} [{raw_code}]"
        return DeliveryError(kind, detail, code=code, provider=PROVIDER)

    def close(self) -> None:
        """Close the HTTP client if this sender made it."""
        if self._owns_client:
            self._client.close()

    def __enter__(self) -> HttpGatewaySmsSender:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()
