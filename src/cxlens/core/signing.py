"""Unforgeable per-invitation tokens and signed action links.

A token carries a compact payload — the invitation id, what the token is for (its
:class:`Purpose`), an optional action (a score value, a choice) and an optional expiry —
and an HMAC-SHA256 tag over it, all in URL-safe base64 without padding. No personal data
goes in: only numbers that mean something to cxlens' database.

Layout (bytes before base64)::

    header  1 byte   version (2 bits) | has action | has expiry | purpose (4 bits)
    id      varint   invitation id (>= 0)
    action  varint   only when "has action"
    expiry  varint   hours since 2024-01-01 UTC, rounded up; only when "has expiry"
    tag     10 bytes HMAC-SHA256(key, DOMAIN + everything above), truncated to 80 bits

An invitation token with an expiry is 22–24 characters for ids below 268 million. Eighty
bits of tag leave a forger one chance in 10^24 per guess; the public endpoints are rate
limited on top of that.

Keys rotate: a :class:`Signer` signs with the first of its keys and accepts a token signed
with any of them, so a new key goes first and the old one stays until its tokens expire.

The on-site widget's customer references are signed by the customer's own site, which
knows nothing of this token format: :func:`customer_signature` is a plain HMAC-SHA256 (hex)
over ``"<issued_at>.<customer_ref>"`` with the widget secret (:func:`derived_secret` of the
signing key unless one is set), so a few lines of any language compute it
(docs/collection.md); :func:`verify_customer_signature` checks it and its age.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import IntEnum

from cxlens.core.errors import ConfigurationError, CxlensError, ForbiddenError

__all__ = [
    "CustomerSignatureError",
    "ExpiredTokenError",
    "InvalidTokenError",
    "Purpose",
    "Signer",
    "TokenClaims",
    "TokenError",
    "WrongPurposeError",
    "customer_signature",
    "derived_secret",
    "signed_link",
    "verify_customer_signature",
]

VERSION = 0
TAG_BYTES = 10
MIN_KEY_BYTES = 16
EPOCH = datetime(2024, 1, 1, tzinfo=UTC)
_DOMAIN = b"cxlens.signing.v0\x00"
_HAS_ACTION = 0x20
_HAS_EXPIRY = 0x10
_MAX_TOKEN_CHARS = 64


class Purpose(IntEnum):
    """What a token may be used for. A token signed for one purpose fails for any other.

    The numbers are part of the token format: never renumber, only add (at most 16).
    """

    INVITATION = 0
    """Open the survey of an invitation (the survey link in an email or SMS)."""
    ANSWER = 1
    """Record an answer from a link (the vote inside the email); the action is the value."""
    UNSUBSCRIBE = 2
    """Opt out of further invitations (List-Unsubscribe and the footer link)."""
    OPEN = 3
    """Record that an email was opened (a tracking pixel, where one is wanted)."""
    PREFERENCES = 4
    """Open the contact-preferences page."""
    BOUNCE = 5
    """Name the invitation of a returned email (VERP bounce address, ``X-Cxlens-Invitation``)."""


class TokenError(CxlensError):
    """A token that cxlens does not accept (a link that is not valid: 404)."""

    http_status = 404
    error_code = "invalid_token"


class InvalidTokenError(TokenError):
    """A token that is malformed, tampered with, or signed with a key cxlens does not know."""

    def __init__(self, reason: str = "the token is not valid") -> None:
        super().__init__(reason)
        self.reason = reason


class ExpiredTokenError(TokenError):
    """A genuine token whose expiry has passed."""

    error_code = "expired_token"

    def __init__(self, expired_at: datetime) -> None:
        super().__init__(f"the token expired at {expired_at.isoformat()}")
        self.expired_at = expired_at


class WrongPurposeError(TokenError):
    """A genuine token used for something it was not signed for."""

    error_code = "wrong_token_purpose"

    def __init__(self, expected: Purpose, actual: Purpose) -> None:
        super().__init__(f"the token is for {actual.name.lower()}, not for {expected.name.lower()}")
        self.expected = expected
        self.actual = actual


@dataclass(frozen=True, slots=True)
class TokenClaims:
    """What a verified token says."""

    invitation_id: int
    purpose: Purpose
    action: int | None = None
    expires_at: datetime | None = None


def _utc_now() -> datetime:
    return datetime.now(UTC)


def _encode_varint(value: int) -> bytes:
    out = bytearray()
    while True:
        byte = value & 0x7F
        value >>= 7
        if value:
            out.append(byte | 0x80)
        else:
            out.append(byte)
            return bytes(out)


def _decode_varint(data: bytes, pos: int) -> tuple[int, int]:
    value = 0
    shift = 0
    while True:
        if pos >= len(data) or shift > 63:
            raise InvalidTokenError("the token is malformed")
        byte = data[pos]
        pos += 1
        value |= (byte & 0x7F) << shift
        shift += 7
        if not byte & 0x80:
            # A trailing zero byte would make a second spelling of the same number.
            if byte == 0 and shift > 7:
                raise InvalidTokenError("the token is malformed")
            return value, pos


def _b64encode(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _b64decode(token: str) -> bytes:
    if not token or len(token) > _MAX_TOKEN_CHARS or not token.isascii():
        raise InvalidTokenError("the token is malformed")
    try:
        data = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
    except (binascii.Error, ValueError) as exc:
        raise InvalidTokenError("the token is malformed") from exc
    # One spelling per token: no padding, no spare bits, no characters outside the alphabet.
    if _b64encode(data) != token:
        raise InvalidTokenError("the token is malformed")
    return data


def _key_bytes(key: str | bytes) -> bytes:
    raw = key.encode("utf-8") if isinstance(key, str) else bytes(key)
    if len(raw) < MIN_KEY_BYTES:
        raise ConfigurationError(
            f"a signing key must be at least {MIN_KEY_BYTES} bytes long (32 random bytes "
            "recommended; e.g. `python -c 'import secrets; print(secrets.token_urlsafe(32))'`)"
        )
    return raw


def _hours_since_epoch(moment: datetime) -> int:
    if moment.tzinfo is None:
        raise ConfigurationError("token expiry must be a timezone-aware datetime")
    seconds = (moment - EPOCH).total_seconds()
    if seconds <= 0:
        raise ConfigurationError("token expiry must be after 2024-01-01 UTC")
    return -int(-seconds // 3600)  # round up: never expire earlier than asked


class Signer:
    """Signs and verifies tokens with a list of secret keys (first signs, any verifies).

    ``now`` is the clock (UTC, timezone-aware); tests inject their own.
    """

    def __init__(
        self,
        keys: Sequence[str | bytes],
        *,
        now: Callable[[], datetime] = _utc_now,
    ) -> None:
        if isinstance(keys, str | bytes):
            raise ConfigurationError("signing keys must be a list of keys, not one string")
        if not keys:
            raise ConfigurationError("at least one signing key is needed")
        self._keys = tuple(_key_bytes(k) for k in keys)
        self._now = now

    def sign(
        self,
        invitation_id: int,
        *,
        purpose: Purpose = Purpose.INVITATION,
        action: int | None = None,
        expires_at: datetime | None = None,
        ttl: timedelta | None = None,
    ) -> str:
        """A token for ``invitation_id`` and ``purpose``.

        ``action`` (a non-negative int, such as a score) rides along signed. The token
        expires at ``expires_at``, or ``ttl`` from now (rounded up to the hour); with
        neither it never expires (the invitation's own state still applies).
        """
        if invitation_id < 0:
            raise ConfigurationError("an invitation id in a token must be >= 0")
        if action is not None and action < 0:
            raise ConfigurationError("a token action must be a non-negative integer")
        if expires_at is not None and ttl is not None:
            raise ConfigurationError("give expires_at or ttl, not both")
        if ttl is not None:
            expires_at = self._now() + ttl
        header = (VERSION << 6) | int(Purpose(purpose))
        body = bytearray()
        body += _encode_varint(invitation_id)
        if action is not None:
            header |= _HAS_ACTION
            body += _encode_varint(action)
        if expires_at is not None:
            header |= _HAS_EXPIRY
            body += _encode_varint(_hours_since_epoch(expires_at))
        payload = bytes([header]) + bytes(body)
        return _b64encode(payload + self._tag(self._keys[0], payload))

    def verify(self, token: str, *, purpose: Purpose) -> TokenClaims:
        """The claims of ``token`` if it is genuine, meant for ``purpose`` and not expired.

        Raises :class:`InvalidTokenError` (malformed, tampered, unknown key),
        :class:`WrongPurposeError` or :class:`ExpiredTokenError`.
        """
        data = _b64decode(token)
        if len(data) < 2 + TAG_BYTES:
            raise InvalidTokenError("the token is malformed")
        payload, tag = data[:-TAG_BYTES], data[-TAG_BYTES:]
        genuine = False
        for key in self._keys:  # every key is tried, so timing says nothing about which
            genuine |= hmac.compare_digest(self._tag(key, payload), tag)
        if not genuine:
            raise InvalidTokenError("the token's signature does not match")
        claims = self._parse(payload)
        if claims.purpose != purpose:
            raise WrongPurposeError(expected=Purpose(purpose), actual=claims.purpose)
        if claims.expires_at is not None and self._now() >= claims.expires_at:
            raise ExpiredTokenError(claims.expires_at)
        return claims

    @staticmethod
    def _tag(key: bytes, payload: bytes) -> bytes:
        return hmac.new(key, _DOMAIN + payload, hashlib.sha256).digest()[:TAG_BYTES]

    @staticmethod
    def _parse(payload: bytes) -> TokenClaims:
        header = payload[0]
        if header >> 6 != VERSION:
            raise InvalidTokenError("the token's format version is not known")
        try:
            purpose = Purpose(header & 0x0F)
        except ValueError as exc:
            raise InvalidTokenError("the token's purpose is not known") from exc
        invitation_id, pos = _decode_varint(payload, 1)
        action: int | None = None
        expires_at: datetime | None = None
        if header & _HAS_ACTION:
            action, pos = _decode_varint(payload, pos)
        if header & _HAS_EXPIRY:
            hours, pos = _decode_varint(payload, pos)
            expires_at = EPOCH + timedelta(hours=hours)
        if pos != len(payload):
            raise InvalidTokenError("the token is malformed")
        return TokenClaims(invitation_id, purpose, action, expires_at)


def signed_link(base_url: str, token: str) -> str:
    """``base_url`` with ``token`` as its last path segment (``https://x/s`` → ``https://x/s/T``)."""
    return f"{base_url.rstrip('/')}/{token}"


# --------------------------------------------------------------- signed customer references

#: The longest signature text taken (a SHA-256 HMAC is 64 hex digits).
_SIGNATURE_HEX = 64
#: How far in the future an issue time may lie (clocks of two machines differ a little).
CLOCK_SKEW = timedelta(minutes=5)


class CustomerSignatureError(ForbiddenError):
    """A customer reference whose signature is missing, does not match, or is too old.

    ``reason`` says which (``missing``, ``malformed``, ``mismatch``, ``expired``,
    ``future``), for logs and tests; callers never show it to the visitor.
    """

    error_code = "invalid_signature"

    def __init__(self, reason: str) -> None:
        super().__init__(f"the customer signature is not valid ({reason})")
        self.reason = reason


def derived_secret(key: str | bytes, label: str) -> str:
    """A secret for one use (``label``) derived from a signing key: HMAC-SHA256, hex.

    Knowing the derived secret tells nothing about the key, and secrets of two labels are
    unrelated, so a secret handed to another system cannot sign cxlens tokens.
    """
    message = b"cxlens.derived.v0\x00" + label.encode()
    return hmac.new(_key_bytes(key), message, hashlib.sha256).hexdigest()


def customer_signature(secret: str | bytes, customer_ref: str, issued_at: int) -> str:
    """HMAC-SHA256 (hex, lower case) of ``"<issued_at>.<customer_ref>"`` with ``secret``.

    ``issued_at`` is Unix seconds (UTC). The site that embeds the widget computes the same
    value on its server (docs/collection.md has the recipe).
    """
    message = f"{int(issued_at)}.{customer_ref}".encode()
    return hmac.new(_key_bytes(secret), message, hashlib.sha256).hexdigest()


def verify_customer_signature(
    secret: str | bytes,
    customer_ref: str,
    issued_at: int | str | None,
    signature: str | None,
    *,
    max_age: timedelta,
    now: datetime,
) -> None:
    """Check that ``signature`` signs ``customer_ref`` at ``issued_at`` and is at most
    ``max_age`` old at ``now`` (and at most :data:`CLOCK_SKEW` in the future).

    Raises :class:`CustomerSignatureError` otherwise.
    """
    if not signature or issued_at is None or issued_at == "":
        raise CustomerSignatureError("missing")
    text = str(issued_at)
    if not (text.isascii() and text.isdigit() and len(text) <= 12):
        raise CustomerSignatureError("malformed")
    if len(signature) != _SIGNATURE_HEX:
        raise CustomerSignatureError("malformed")
    expected = customer_signature(secret, customer_ref, int(text))
    if not hmac.compare_digest(expected, signature.lower()):
        raise CustomerSignatureError("mismatch")
    issued = datetime.fromtimestamp(int(text), UTC)
    if issued > now + CLOCK_SKEW:
        raise CustomerSignatureError("future")
    if now - issued > max_age:
        raise CustomerSignatureError("expired")
