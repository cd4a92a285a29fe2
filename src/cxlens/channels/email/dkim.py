"""DKIM signing of a serialised message (dkimpy, RSA-SHA256, relaxed/relaxed)."""

from __future__ import annotations

from dataclasses import dataclass, field

import dkim

from cxlens.core.errors import ConfigurationError

SIGNED_HEADERS: tuple[bytes, ...] = (
    b"from",
    b"to",
    b"reply-to",
    b"subject",
    b"date",
    b"message-id",
    b"content-language",
    b"list-unsubscribe",
    b"list-unsubscribe-post",
    b"mime-version",
    b"content-type",
)
"""Headers covered by the signature; RFC 8058 needs both List-Unsubscribe headers signed."""


@dataclass(frozen=True, slots=True)
class DkimKey:
    """A DKIM private key (PEM) published at ``<selector>._domainkey.<domain>``."""

    domain: str
    selector: str
    private_key_pem: bytes = field(repr=False)


def dkim_sign(message: bytes, key: DkimKey) -> bytes:
    """``message`` (CRLF line endings) with a ``DKIM-Signature`` header in front."""
    try:
        header = dkim.sign(
            message,
            key.selector.encode("ascii"),
            key.domain.encode("ascii"),
            key.private_key_pem,
            canonicalize=(b"relaxed", b"relaxed"),
            include_headers=list(SIGNED_HEADERS),
        )
    except (dkim.DKIMException, UnicodeEncodeError, ValueError) as exc:
        raise ConfigurationError(f"DKIM signing failed for {key.domain}: {exc}") from exc
    return bytes(header) + message
