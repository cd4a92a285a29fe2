"""What the HTTP-based SMS adapters share: turning transport failures into DeliveryError."""

from __future__ import annotations

import json
from typing import Any

import httpx

from cxlens.channels.errors import DeliveryError, FailureKind


def transport_error(exc: httpx.HTTPError, provider: str) -> DeliveryError:
    """A DeliveryError for a request that got no HTTP answer (timeout, refused, bad URL)."""
    if isinstance(exc, httpx.TimeoutException):
        return DeliveryError(
            FailureKind.TEMPORARY, "the provider did not answer in time", provider=provider
        )
    if isinstance(exc, httpx.UnsupportedProtocol | httpx.InvalidURL):
        return DeliveryError(
            FailureKind.CONFIGURATION, f"the provider URL is not usable: {exc}", provider=provider
        )
    return DeliveryError(
        FailureKind.TEMPORARY, f"cannot reach the provider: {exc}", provider=provider
    )


def json_body(response: httpx.Response) -> dict[str, Any]:
    """The JSON object in ``response``, or an empty dict when there is none."""
    try:
        data = response.json()
    except (json.JSONDecodeError, UnicodeDecodeError):
        return {}
    return data if isinstance(data, dict) else {}


def status_kind(status: int) -> FailureKind | None:
    """The failure kind an HTTP status implies by itself, or None when the body must decide."""
    if status in (401, 403, 404, 405):
        return FailureKind.CONFIGURATION
    if status in (408, 425, 429) or status >= 500:
        return FailureKind.TEMPORARY
    return None
