"""Each vocabulary is defined once (cxlens.core.vocabulary) and the rest agrees with it."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from cxlens.core.vocabulary import (
    CHOICE_TYPES,
    CXI_TYPES,
    METRIC_TYPES,
    SCORE_TYPES,
    TRANSLATED_LANGUAGES,
    UI_LANGUAGES,
    QuestionType,
)
from cxlens.features.distribution.texts import WORDS
from cxlens.locale.translations import MESSAGES
from cxlens.text.language import LANGUAGES as DETECTED_LANGUAGES
from cxlens.text.training import TRAINING_LANGUAGES

SRC = Path(__file__).resolve().parents[2] / "src" / "cxlens"
HOME = SRC / "core" / "vocabulary.py"
#: A second spelled-out list: three or more of the values in a row, quoted.
SECOND_LISTS = {
    "UI languages": re.compile(r'"en",\s*"it",\s*"ro"'),
    "score types": re.compile(r'"csat",\s*"ces",\s*"cxi_effectiveness"'),
    "CXi types": re.compile(r'"cxi_effectiveness",\s*"cxi_ease",\s*"cxi_emotion"'),
}


def test_the_types_nest() -> None:
    assert set(CXI_TYPES) < set(METRIC_TYPES) < set(SCORE_TYPES) < set(QuestionType)
    assert not set(SCORE_TYPES) & set(CHOICE_TYPES)


def test_every_ui_language_has_its_texts() -> None:
    assert UI_LANGUAGES[0] == "en" and UI_LANGUAGES[1:] == TRANSLATED_LANGUAGES
    assert list(WORDS) == list(UI_LANGUAGES)
    assert all(len(texts) == len(TRANSLATED_LANGUAGES) for texts in MESSAGES.values())
    for language in TRANSLATED_LANGUAGES:
        assert (SRC / "locale" / language / "LC_MESSAGES" / "cxlens.mo").is_file(), language
    assert set(TRAINING_LANGUAGES) == set(UI_LANGUAGES)
    assert DETECTED_LANGUAGES[: len(UI_LANGUAGES)] == UI_LANGUAGES


@pytest.mark.parametrize("what", sorted(SECOND_LISTS))
def test_no_second_list_in_the_source(what: str) -> None:
    pattern = SECOND_LISTS[what]
    found = [
        str(path.relative_to(SRC))
        for path in sorted(SRC.rglob("*.py"))
        if path != HOME and pattern.search(path.read_text(encoding="utf-8"))
    ]
    assert found == [], f"{what} spelled out again (import cxlens.core.vocabulary): {found}"
