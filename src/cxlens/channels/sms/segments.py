"""SMS encodings and segments: GSM-7 when every character allows it, else UCS-2.

A single GSM-7 message holds 160 septets, each part of a longer one 153 (the rest is the
concatenation header); extension characters (``^{}\\[~]|€`` and form feed) take two septets.
UCS-2 holds 70 UTF-16 code units, 67 per part; a character outside the Basic Multilingual
Plane (most emoji) takes two. Neither an escape pair nor a surrogate pair is split across
parts, as handsets expect.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from enum import StrEnum

GSM7_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM7_EXTENSION = frozenset("^{}\\[~]|€\f")

_SINGLE = {"gsm-7": 160, "ucs-2": 70}
_PART = {"gsm-7": 153, "ucs-2": 67}


class SmsEncoding(StrEnum):
    """The alphabet a message is sent in."""

    GSM7 = "gsm-7"
    UCS2 = "ucs-2"


@dataclass(frozen=True, slots=True)
class SegmentInfo:
    """How a text travels: its encoding, its length in units (septets or UTF-16 code
    units), the number of segments, and the units still free in the last one."""

    encoding: SmsEncoding
    units: int
    segments: int
    free: int


def is_gsm7(text: str) -> bool:
    """True when every character of ``text`` is in the GSM-7 alphabet or its extension."""
    return all(c in GSM7_BASIC or c in GSM7_EXTENSION for c in text)


def _unit_sizes(text: str, encoding: SmsEncoding) -> list[int]:
    if encoding is SmsEncoding.GSM7:
        return [2 if c in GSM7_EXTENSION else 1 for c in text]
    return [2 if ord(c) > 0xFFFF else 1 for c in text]


def segment_info(text: str) -> SegmentInfo:
    """Encoding, length and segment count of ``text``."""
    encoding = SmsEncoding.GSM7 if is_gsm7(text) else SmsEncoding.UCS2
    sizes = _unit_sizes(text, encoding)
    units = sum(sizes)
    single = _SINGLE[encoding.value]
    if units <= single:
        return SegmentInfo(encoding, units, 1 if units else 0, single - units)
    part = _PART[encoding.value]
    segments, used = 1, 0
    for size in sizes:  # greedy, never splitting an escape or surrogate pair
        if used + size > part:
            segments += 1
            used = 0
        used += size
    return SegmentInfo(encoding, units, segments, part - used)


def fold_to_gsm7(text: str) -> str:
    """``text`` with characters outside GSM-7 replaced by their unaccented form where that
    form is GSM-7 (``ș`` → ``s``, ``ă`` → ``a``, ``ł`` stays); GSM-7 characters are kept."""
    out: list[str] = []
    for char in text:
        if char in GSM7_BASIC or char in GSM7_EXTENSION:
            out.append(char)
            continue
        plain = "".join(
            c for c in unicodedata.normalize("NFKD", char) if not unicodedata.combining(c)
        )
        out.append(plain if plain and is_gsm7(plain) else _PUNCTUATION.get(char, char))
    return "".join(out)


_PUNCTUATION = {
    "\N{LEFT SINGLE QUOTATION MARK}": "'",
    "\N{RIGHT SINGLE QUOTATION MARK}": "'",
    "\N{LEFT DOUBLE QUOTATION MARK}": '"',
    "\N{RIGHT DOUBLE QUOTATION MARK}": '"',
    "\N{EN DASH}": "-",
    "\N{EM DASH}": "-",
    "\N{HORIZONTAL ELLIPSIS}": "...",
    "\N{NO-BREAK SPACE}": " ",
}
