"""Returned emails as Postfix, Exchange and Gmail write them (``dsn/*.eml``), filled in."""

from __future__ import annotations

from pathlib import Path

FOLDER = Path(__file__).parent / "dsn"
STYLES = ("postfix", "exchange", "gmail")

ORIGINAL = (
    "Return-Path: <bounces@acme.example>\n"
    "From: Anna at Acme <anna@acme.example>\n"
    "To: Giulia Rossi <{recipient}>\n"
    "Subject: Giulia, how did we do?\n"
    "Date: Sat, 16 Mar 2030 10:00:02 +0000\n"
    "Message-ID: <0b7e3c4a9d1f2e5a6b8c0d1e2f3a4b5c@acme.example>\n"
    "MIME-Version: 1.0\n"
    'Content-Type: multipart/alternative; boundary="===============1=="\n'
)


def returned_headers(raw: bytes) -> str:
    """The header block of a sent message, as a DSN returns it."""
    text = raw.decode("ascii", "replace").replace("\r\n", "\n")
    return text.split("\n\n", 1)[0] + "\n"


def dsn(
    style: str,
    *,
    recipient: str = "giulia@example.com",
    bounce_to: str = "bounces@acme.example",
    status: str = "5.1.1",
    original: str | None = None,
) -> bytes:
    """The ``style`` DSN about ``recipient``, sent to ``bounce_to``, returning ``original``
    headers (default: a message without any cxlens reference)."""
    template = (FOLDER / f"{style}.eml").read_text(encoding="utf-8")
    headers = original if original is not None else ORIGINAL.format(recipient=recipient)
    text = (
        template.replace("{ORIGINAL_HEADERS}", headers.rstrip("\n") + "\n")
        .replace("{RECIPIENT}", recipient)
        .replace("{BOUNCE_TO}", bounce_to)
        .replace("{STATUS}", status)
    )
    return text.replace("\n", "\r\n").encode("utf-8")
