"""VERP: a per-message bounce address that says which message came back.

With a bounce address ``bounces@acme.example``, the message of invitation 42 goes out with
the envelope sender ``bounces+<ref>@acme.example``; a DSN about it is sent there, so the
address alone names the message. ``<ref>`` is a signed token (made by the caller) written
in lower-case base32, because some mail servers change the case of local parts; the same
token also travels in the ``X-Cxlens-Invitation`` header, which most DSNs return.
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Iterable
from email.message import Message

#: The header that carries the signed reference in every invitation email.
REFERENCE_HEADER = "X-Cxlens-Invitation"
_B32 = re.compile(r"^[a-z2-7]+$")


def _token_bytes(token: str) -> bytes:
    return base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))


def verp_address(bounce_address: str, token: str) -> str:
    """``local+<ref>@domain`` for ``bounce_address`` ``local@domain`` and a signed token."""
    local, _, domain = bounce_address.rpartition("@")
    if not local or not domain:
        return bounce_address
    ref = base64.b32encode(_token_bytes(token)).decode("ascii").rstrip("=").lower()
    return f"{local}+{ref}@{domain}"


def _token_from_ref(ref: str) -> str | None:
    if not _B32.match(ref):
        return None
    try:
        raw = base64.b32decode(ref.upper() + "=" * (-len(ref) % 8))
    except (binascii.Error, ValueError):
        return None
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def tokens_in_addresses(bounce_address: str, addresses: Iterable[str]) -> list[str]:
    """The tokens found in VERP forms of ``bounce_address`` among ``addresses``."""
    local, _, domain = bounce_address.rpartition("@")
    if not local or not domain:
        return []
    pattern = re.compile(
        rf"(?<![^\s<,\"']){re.escape(local.lower())}\+([a-z2-7]+)@{re.escape(domain.lower())}\b"
    )
    out: list[str] = []
    for text in addresses:
        for ref in pattern.findall(str(text).lower()):
            token = _token_from_ref(ref)
            if token is not None and token not in out:
                out.append(token)
    return out


def tokens_in_headers(headers: Message | None, bounce_address: str | None) -> list[str]:
    """Tokens in returned headers: ``X-Cxlens-Invitation``, and VERP in ``Return-Path``."""
    if headers is None:
        return []
    out = [" ".join(str(v).split()) for v in headers.get_all(REFERENCE_HEADER, [])]
    if bounce_address:
        out += tokens_in_addresses(bounce_address, headers.get_all("Return-Path", []))
    return [t for i, t in enumerate(out) if t and t not in out[:i]]
