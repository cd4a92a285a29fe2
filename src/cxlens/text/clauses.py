"""Split a comment into clauses for aspect-level sentiment.

Clauses end at sentence punctuation and semicolons, and before a contrastive conjunction
("but", "ma", "mais", "aber", "pero", "maar", "dar", "mar", ...): in
"the delivery was late but the staff were lovely" each half gets its own sentiment.
"""

from __future__ import annotations

import re

#: Contrastive conjunctions per language (lowercase, whole words).
CONTRASTIVE: dict[str, tuple[str, ...]] = {
    "en": ("but", "however", "although", "though", "whereas", "yet"),
    "it": ("ma", "però", "pero", "tuttavia", "invece", "anche se"),
    "fr": ("mais", "cependant", "pourtant", "par contre", "alors que", "toutefois"),
    "de": ("aber", "jedoch", "allerdings", "trotzdem", "obwohl", "dafür"),
    "es": ("pero", "sin embargo", "aunque", "en cambio"),
    "nl": ("maar", "echter", "hoewel", "alleen"),
    "fy": ("mar", "lykwols", "hoewol", "allinne"),
    "ro": ("dar", "însă", "insa", "totuși", "totusi", "deși", "desi", "în schimb"),
}
_SENTENCE = re.compile(r"(?<=[.!?;…])\s+|\s*[\n;]\s*|\s+[-–—]\s+")
_MIN_WORDS = 2


def _pattern(words: tuple[str, ...]) -> re.Pattern[str]:
    alternatives = "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))
    return re.compile(rf",?\s+(?=(?:{alternatives})\b)", re.IGNORECASE)


_ALL_WORDS = tuple(dict.fromkeys(w for ws in CONTRASTIVE.values() for w in ws))
_BY_LANGUAGE = {lang: _pattern(words) for lang, words in CONTRASTIVE.items()}
_ANY = _pattern(_ALL_WORDS)


def split_clauses(text: str, language: str | None = None) -> list[str]:
    """The clauses of ``text``; pieces shorter than two words stay with their neighbour."""
    pattern = _BY_LANGUAGE.get(language or "", _ANY)
    pieces: list[str] = []
    for sentence in _SENTENCE.split(text.strip()):
        for piece in pattern.split(sentence):
            piece = piece.strip(" ,")
            if piece:
                pieces.append(piece)
    clauses: list[str] = []
    for piece in pieces:
        short = len(piece.split()) < _MIN_WORDS or (
            bool(clauses) and len(clauses[-1].split()) < _MIN_WORDS
        )
        if clauses and short:
            clauses[-1] = f"{clauses[-1]} {piece}"
        else:
            clauses.append(piece)
    return clauses or ([text.strip()] if text.strip() else [])
