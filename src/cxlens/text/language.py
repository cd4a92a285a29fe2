"""Language identification with py3langid, restricted to the languages CX comments come in.

The set keeps Frisian (``fy``): without it, Frisian comments come out as Dutch. Confidence
is py3langid's length-calibrated, normalised probability. Texts with too few letters
(``"ok"``, emoji only) or no clear winner (mixed languages) get ``None``.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from typing import TYPE_CHECKING

from cxlens.core.vocabulary import UI_LANGUAGES
from cxlens.text.types import LanguageGuess

if TYPE_CHECKING:
    from py3langid.langid import LanguageIdentifier

#: Languages cxlens recognises: the eight of the demo company and other common EU languages.
LANGUAGES: tuple[str, ...] = (
    *UI_LANGUAGES,
    "pt", "pl", "cs", "sk", "hu", "sv", "da", "no", "fi", "el", "bg", "hr", "sl", "lt",
    "lv", "et", "ga", "ca", "eu", "gl", "lb", "mt", "tr", "ru", "uk",
)  # fmt: skip

#: Below this many letters a text is too short to tell its language.
MIN_LETTERS = 3
#: Below this probability the text is reported as unknown or mixed.
MIN_CONFIDENCE = 0.5


@lru_cache(maxsize=1)
def _identifier() -> LanguageIdentifier:
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    identifier: LanguageIdentifier = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    identifier.set_languages(list(LANGUAGES))
    return identifier


def detect_language(text: str) -> LanguageGuess:
    """The language of ``text`` with a confidence in [0, 1]; ``None`` when unknown or mixed."""
    letters = sum(ch.isalpha() for ch in text)
    if letters < MIN_LETTERS:
        return LanguageGuess(None, 0.0)
    language, confidence = _identifier().classify(text)
    confidence = min(max(float(confidence), 0.0), 1.0)
    if confidence < MIN_CONFIDENCE:
        return LanguageGuess(None, confidence)
    return LanguageGuess(str(language), confidence)


def detect_languages(texts: Sequence[str]) -> list[LanguageGuess]:
    """:func:`detect_language` for every text."""
    return [detect_language(text) for text in texts]
