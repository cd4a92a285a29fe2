"""UI translations (Babel catalogs in ``cxlens/locale``) and choosing a page's language."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import cache
from pathlib import Path

from babel import Locale, UnknownLocaleError
from babel.core import negotiate_locale
from babel.support import NullTranslations, Translations

from cxlens.core.vocabulary import UI_LANGUAGES as UI_LANGUAGES

LOCALE_DIR = Path(__file__).resolve().parents[2] / "locale"
DOMAIN = "cxlens"


@cache
def translations(language: str) -> NullTranslations:
    """The compiled catalog of ``language`` (English text when there is none)."""
    primary = language.split("-")[0].lower()
    if primary not in UI_LANGUAGES or primary == "en":
        return NullTranslations()
    return Translations.load(str(LOCALE_DIR), [primary], domain=DOMAIN)


def gettext_for(language: str) -> Callable[[str], str]:
    """The ``gettext`` of ``language``."""
    return translations(language).gettext


def language_name(language: str) -> str:
    """The language's own name (``Nederlands``, ``Frysk``), capitalised."""
    try:
        name = Locale.parse(language.replace("-", "_")).get_display_name() or language
    except (UnknownLocaleError, ValueError):
        return language
    return name[:1].upper() + name[1:]


def _match(candidate: str | None, available: Sequence[str]) -> str | None:
    if not candidate:
        return None
    wanted = candidate.replace("_", "-").lower()
    for lang in available:
        if lang.lower() == wanted:
            return lang
    primary = wanted.split("-")[0]
    return next((lang for lang in available if lang.lower().split("-")[0] == primary), None)


def parse_accept_language(header: str | None) -> list[str]:
    """The languages of an ``Accept-Language`` header, most wanted first."""
    if not header:
        return []
    weighted: list[tuple[float, int, str]] = []
    for index, part in enumerate(header.split(",")[:20]):
        piece = part.strip().split(";")
        tag = piece[0].strip()
        quality = 1.0
        for param in piece[1:]:
            name, _, value = param.strip().partition("=")
            if name == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        if tag and tag != "*" and quality > 0:
            weighted.append((-quality, index, tag))
    return [tag for _, _, tag in sorted(weighted)]


def choose_language(
    available: Sequence[str],
    *,
    requested: str | None = None,
    invitation: str | None = None,
    accept_language: str | None = None,
) -> str:
    """The page's language among the survey's ``available`` ones (default first).

    Order: an explicit choice (the switcher), the invitation's language or the customer's
    locale, then ``Accept-Language`` (Babel's ``negotiate_locale``), else the default.
    """
    for candidate in (requested, invitation):
        found = _match(candidate, available)
        if found is not None:
            return found
    preferred = parse_accept_language(accept_language)
    if preferred:
        negotiated = negotiate_locale(preferred, list(available), sep="-")
        if negotiated is None:
            negotiated = negotiate_locale(
                [p.split("-")[0] for p in preferred], list(available), sep="-"
            )
        if negotiated is not None:
            return _match(negotiated, available) or negotiated
    return available[0]
