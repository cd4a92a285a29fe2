"""SMS delivery reports: Twilio status callbacks and a generic gateway's, checked and read.

**Twilio** posts ``application/x-www-form-urlencoded`` fields (``MessageSid``,
``MessageStatus`` = queued/sending/sent/delivered/undelivered/failed, ``ErrorCode`` …) to the
``StatusCallback`` URL of the message, signed in ``X-Twilio-Signature``: base64 of
HMAC-SHA1, keyed by the auth token, over the full URL followed by each POST field's name and
value, fields sorted by name.

**A generic gateway** posts JSON (``{"id": "msg-1", "status": "delivered", "error_code":
"…", "error_message": "…"}``) with ``X-Cxlens-Signature: sha256=<hex>``: HMAC-SHA256 of the
raw body, keyed by a secret both sides share.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from cxlens.core.errors import CxlensError

#: The header of a generic gateway's signature.
GATEWAY_SIGNATURE_HEADER = "X-Cxlens-Signature"
#: The header of Twilio's signature.
TWILIO_SIGNATURE_HEADER = "X-Twilio-Signature"


class SmsStatus(StrEnum):
    """Where a message is, in Twilio's words (other gateways' words are mapped to these)."""

    QUEUED = "queued"
    SENT = "sent"
    DELIVERED = "delivered"
    UNDELIVERED = "undelivered"
    FAILED = "failed"


_ALIASES = {
    "accepted": SmsStatus.QUEUED,
    "scheduled": SmsStatus.QUEUED,
    "sending": SmsStatus.SENT,
    "delivrd": SmsStatus.DELIVERED,
    "expired": SmsStatus.UNDELIVERED,
    "rejected": SmsStatus.FAILED,
    "undeliv": SmsStatus.UNDELIVERED,
}


@dataclass(frozen=True, slots=True)
class SmsReport:
    """One delivery report: the provider's message id, the status, the error if any."""

    provider_id: str
    status: SmsStatus
    error_code: str | None = None
    detail: str | None = None

    @property
    def failed(self) -> bool:
        """True when the message will not arrive (undelivered or failed)."""
        return self.status in (SmsStatus.UNDELIVERED, SmsStatus.FAILED)

    def is_bounce(self, bounce_codes: Iterable[int | str]) -> bool:
        """True when it failed with an error code that means the number cannot receive."""
        codes = {str(c) for c in bounce_codes}
        return self.failed and self.error_code is not None and self.error_code in codes


class ReportError(CxlensError, ValueError):
    """A report that cannot be read; the message says which field is wrong."""

    http_status = 422
    error_code = "invalid_report"


def _status(value: object, field: str) -> SmsStatus:
    text = str(value or "").strip().lower()
    try:
        return SmsStatus(text)
    except ValueError:
        if text in _ALIASES:
            return _ALIASES[text]
        raise ReportError(
            f"{field}: unknown status {text!r} (expected one of "
            f"{', '.join(s.value for s in SmsStatus)})"
        ) from None


def twilio_signature(auth_token: str, url: str, params: Mapping[str, str]) -> str:
    """Twilio's ``X-Twilio-Signature`` of a POST of ``params`` to ``url``."""
    data = url + "".join(f"{name}{params[name]}" for name in sorted(params))
    digest = hmac.new(auth_token.encode(), data.encode(), hashlib.sha1).digest()
    return base64.b64encode(digest).decode("ascii")


def verify_twilio(
    auth_token: str, urls: Iterable[str], params: Mapping[str, str], signature: str | None
) -> bool:
    """Whether ``signature`` is Twilio's for ``params`` posted to any of ``urls``."""
    if not signature or not auth_token:
        return False
    return any(
        hmac.compare_digest(twilio_signature(auth_token, url, params), signature) for url in urls
    )


def read_twilio(params: Mapping[str, str]) -> SmsReport:
    """The report in Twilio's callback fields (``MessageSid``, ``MessageStatus``, ``ErrorCode``)."""
    sid = (params.get("MessageSid") or params.get("SmsSid") or "").strip()
    if not sid:
        raise ReportError("MessageSid: missing")
    status = _status(params.get("MessageStatus") or params.get("SmsStatus"), "MessageStatus")
    code = (params.get("ErrorCode") or "").strip() or None
    return SmsReport(sid, status, code, (params.get("ErrorMessage") or "").strip() or None)


def gateway_signature(secret: str, body: bytes) -> str:
    """``sha256=<hex>``: the generic gateway's signature of ``body``."""
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def verify_gateway(secret: str, body: bytes, signature: str | None) -> bool:
    """Whether ``signature`` is the gateway signature of ``body`` with ``secret``."""
    if not signature or not secret:
        return False
    return hmac.compare_digest(gateway_signature(secret, body), signature.strip())


def read_gateway(data: Any) -> SmsReport:
    """The report in a generic gateway's JSON object (``id``, ``status``, ``error_code``,
    ``error_message``)."""
    if not isinstance(data, Mapping):
        raise ReportError("body: expected a JSON object")
    provider_id = str(data.get("id") or "").strip()
    if not provider_id:
        raise ReportError("id: missing")
    code = data.get("error_code")
    message = data.get("error_message")
    return SmsReport(
        provider_id,
        _status(data.get("status"), "status"),
        None if code in (None, "") else str(code),
        None if not message else str(message),
    )
