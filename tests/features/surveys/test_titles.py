"""Per-language titles and introductions: optional, validated, round-tripped."""

from __future__ import annotations

import pytest

from cxlens.core.errors import InputError
from cxlens.features.surveys import dumps, loads, parse_definition
from features.surveys.definitions import minimal


def _titled() -> dict[str, object]:
    data = minimal()
    data["title"] = {"en": "Your order at Acme", "fr": "Votre commande chez Acme"}
    data["intro"] = {"en": "Two questions, one minute."}
    return data


@pytest.mark.parametrize("fmt", ["yaml", "json"])
def test_titles_and_intro_round_trip(fmt: str) -> None:
    d = parse_definition(_titled())
    text = dumps(d, fmt)  # type: ignore[arg-type]
    again = loads(text, fmt)  # type: ignore[arg-type]
    assert again == d and dumps(again, fmt) == text  # type: ignore[arg-type]
    assert again.title_in("fr") == "Votre commande chez Acme"
    assert again.title_in("fr-BE") == "Votre commande chez Acme"
    assert again.title_in("de") == "Your order at Acme"  # the default language's
    assert again.intro_in("fr") == "Two questions, one minute."


def test_definitions_without_titles_load_and_export_as_before() -> None:
    d = parse_definition(minimal())
    assert d.title is None and d.intro is None
    assert "title" not in d.to_data() and "intro" not in d.to_data()
    assert d.title_in("fr") == "Pulse" and d.intro_in("en") is None


def test_a_title_in_a_language_the_survey_lacks_names_its_path() -> None:
    data = _titled()
    data["title"] = {"en": "Order", "it": "Ordine"}
    with pytest.raises(InputError) as caught:
        parse_definition(data)
    assert "title.it" in str(caught.value)
