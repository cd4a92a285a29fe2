"""The UI catalogs: every UI string translated in every language, .po and .mo up to date."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

from cxlens.locale.translations import LANGUAGES, MESSAGES, catalog
from cxlens.web.pages.i18n import LOCALE_DIR, choose_language

SOURCES = Path(__file__).resolve().parents[3] / "src" / "cxlens" / "web" / "pages"


def _used_strings() -> set[str]:
    found: set[str] = set()
    for path in SOURCES.rglob("*"):
        if path.suffix in {".py", ".html"}:
            text = path.read_text(encoding="utf-8")

            for a, b in re.findall(r"""\b_\((?:"([^"]+)"|'([^']+)')\)""", text):
                found.add(a or b)
    return found


def test_every_ui_string_is_in_the_catalog() -> None:
    assert _used_strings() <= set(MESSAGES)


@pytest.mark.parametrize("language", LANGUAGES)
def test_po_and_mo_are_current_and_complete(language: str) -> None:
    folder = LOCALE_DIR / language / "LC_MESSAGES"
    with (folder / "cxlens.po").open("rb") as f:
        po = read_po(f)
    with (folder / "cxlens.mo").open("rb") as f:
        mo = read_mo(f)
    want = {m.id: m.string for m in catalog(language) if m.id}
    assert {m.id: m.string for m in po if m.id} == want, "run python -m cxlens.locale.translations"
    assert {m.id: m.string for m in mo if m.id} == want, "run python -m cxlens.locale.translations"
    assert all(want.values()), "untranslated strings"


def test_choose_language_order() -> None:
    langs = ["en", "nl", "fy"]
    assert choose_language(langs, requested="fy", invitation="nl") == "fy"
    assert choose_language(langs, invitation="nl-BE") == "nl"
    assert choose_language(langs, accept_language="de-DE,fy;q=0.8,nl;q=0.5") == "fy"
    assert choose_language(langs, accept_language="de") == "en"
