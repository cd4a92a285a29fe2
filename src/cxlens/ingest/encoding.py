"""Text encoding of a file: detect it once, transcode to UTF-8 when the parser needs it."""

from __future__ import annotations

import codecs
import tempfile
from pathlib import Path

from charset_normalizer import from_bytes

from cxlens.core.errors import InputError, Location

SAMPLE_BYTES = 256 * 1024
_CHUNK = 4 * 1024 * 1024
_LATIN1_FAMILY = {"latin_1", "iso8859_1", "iso8859_15", "cp1252", "windows-1252"}
_SINGLE_BYTE_EUROPEAN = {"cp1250", "iso8859_2", "cp1257", "iso8859_13", "mac_roman", "cp850"}
#: Non-ASCII characters expected in en/it/ro/nl/fr/de/es text (and common symbols).
_PLAUSIBLE = set(
    "àáâäãçèéêëìíîïñòóôöùúûüÿœæßăâîșțşţ"
    "ÀÁÂÄÃÇÈÉÊËÌÍÎÏÑÒÓÔÖÙÚÛÜŸŒÆĂÂÎȘȚŞŢ"
    "€£°«»–—‘’“”…•·§©®™¿¡½¼¾ \u00a0"
)
_UTF16_32 = {"utf_16", "utf_16_le", "utf_16_be", "utf_32", "utf_32_le", "utf_32_be"}


def detect_encoding(path: Path, source: str) -> str:
    """Return the Python codec name of a text file's encoding.

    BOMs win; then UTF-8 if the whole file decodes as UTF-8; otherwise charset-normalizer's
    best guess on a sample (Latin-1 reported as its superset ``cp1252``). Raises
    :class:`InputError` when the bytes do not look like text at all.
    """
    with path.open("rb") as f:
        head = f.read(SAMPLE_BYTES)
    if not head.strip():
        raise InputError("the file is empty", Location(file=source), expected="a header row")
    if head.startswith(codecs.BOM_UTF8):
        encoding = "utf-8-sig"
    elif head.startswith((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)):
        encoding = "utf-32"
    elif head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encoding = "utf-16"
    elif b"\x00" not in head and _is_utf8(path):
        encoding = "utf-8"
    else:
        encoding = _guess(head, source)
    _check_text(head, encoding, source)
    return encoding


def _guess(head: bytes, source: str) -> str:
    match = from_bytes(head).best()
    if match is None:
        raise _not_text(source, "no text encoding fits its bytes")
    name = str(match.encoding).lower()
    if b"\x00" in head and name not in _UTF16_32:
        raise _not_text(source, "it contains NUL bytes")
    if name in _LATIN1_FAMILY or name in _SINGLE_BYTE_EUROPEAN:
        return _best_single_byte(head, name)
    return name


def _best_single_byte(head: bytes, guess: str) -> str:
    """Choose between the guess and cp1252 by how plausible the decoded letters are.

    charset-normalizer often reports cp1250 for short Western-European samples; the text
    with fewer letters outside the alphabets of our languages wins, cp1252 on a tie.
    """
    scores: list[tuple[int, int, str]] = []
    for rank, codec in enumerate(("cp1252", guess)):
        try:
            text = head.decode(codec)
        except (UnicodeDecodeError, LookupError):
            continue
        odd = sum(1 for ch in text if ord(ch) > 127 and ch not in _PLAUSIBLE)
        scores.append((odd, rank, codec))
    if not scores:
        return "latin_1"
    return min(scores)[2]


def _is_utf8(path: Path) -> bool:
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        with path.open("rb") as f:
            while chunk := f.read(_CHUNK):
                decoder.decode(chunk)
            decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


def _check_text(head: bytes, encoding: str, source: str) -> None:
    text = head.decode(encoding, errors="replace")
    if not text:
        return
    bad = sum(1 for ch in text if (ch < " " and ch not in "\t\r\n\f") or ch == "\ufffd")
    if bad > max(2, len(text) // 100):
        raise _not_text(source, f"{bad} control or undecodable characters in the first bytes")


def _not_text(source: str, why: str) -> InputError:
    return InputError(
        f"not a text table: {why}",
        Location(file=source),
        expected="a CSV/TSV text file, an XLSX workbook, Parquet or JSON lines",
    )


def transcode_to_utf8(path: Path, encoding: str, directory: str) -> Path:
    """Write ``path`` re-encoded as UTF-8 into ``directory``; return the new path."""
    out = Path(tempfile.mkstemp(suffix=".csv", dir=directory)[1])
    decoder = codecs.getincrementaldecoder(encoding)(errors="strict")
    with path.open("rb") as src, out.open("w", encoding="utf-8", newline="") as dst:
        while chunk := src.read(_CHUNK):
            dst.write(decoder.decode(chunk))
        dst.write(decoder.decode(b"", final=True))
    return out
