"""Form tokens (CSRF) and the signed visitor id of anonymous link surveys.

Both are HMAC-SHA256 tags made with the first signing key under their own domain, so a
survey-link token can never pass as one of these and the other way round.
"""

from __future__ import annotations

import hashlib
import hmac

from cxlens.core.settings import Settings

_DOMAIN = b"cxlens.collection.v0\x00"


def _key(settings: Settings) -> bytes:
    return settings.resolved_signing_keys()[0].encode("utf-8")


def _tag(settings: Settings, purpose: str, subject: str) -> str:
    message = _DOMAIN + purpose.encode() + b"\x00" + subject.encode()
    return hmac.new(_key(settings), message, hashlib.sha256).hexdigest()[:32]


def csrf_token(settings: Settings, subject: str) -> str:
    """The form token of ``subject`` (``invitation:12`` or ``response:34``)."""
    return _tag(settings, "csrf", subject)


def csrf_valid(settings: Settings, subject: str, token: str | None) -> bool:
    """Whether ``token`` is the form token of ``subject`` (constant-time compare)."""
    return token is not None and hmac.compare_digest(csrf_token(settings, subject), token)


def sign_response_id(settings: Settings, response_id: int) -> str:
    """``"<id>.<tag>"``: names an anonymous response in a cookie or a form field."""
    return f"{response_id}.{_tag(settings, 'anon', str(response_id))}"


def read_response_id(settings: Settings, value: str | None) -> int | None:
    """The response id of a :func:`sign_response_id` value, or ``None`` if not genuine."""
    if not value or "." not in value:
        return None
    raw_id, tag = value.split(".", 1)
    if not raw_id.isdigit() or len(raw_id) > 18:
        return None
    if not hmac.compare_digest(_tag(settings, "anon", raw_id), tag):
        return None
    return int(raw_id)
