from __future__ import annotations

import pytest

from cxlens.text import split_clauses


@pytest.mark.parametrize(
    ("language", "text", "expected"),
    [
        ("en", "the delivery was late but the staff were lovely",
         ["the delivery was late", "but the staff were lovely"]),
        ("it", "la consegna era in ritardo, ma il personale era gentile",
         ["la consegna era in ritardo", "ma il personale era gentile"]),
        ("fr", "livraison en retard mais vendeur adorable",
         ["livraison en retard", "mais vendeur adorable"]),
        ("de", "Lieferung zu spät, aber das Personal war nett",
         ["Lieferung zu spät", "aber das Personal war nett"]),
        ("es", "el envío tardó pero la atención fue buena",
         ["el envío tardó", "pero la atención fue buena"]),
        ("nl", "levering te laat maar het personeel was aardig",
         ["levering te laat", "maar het personeel was aardig"]),
        ("ro", "livrarea a întârziat dar personalul a fost drăguț",
         ["livrarea a întârziat", "dar personalul a fost drăguț"]),
        ("fy", "de levering wie te let mar it personiel wie aardich",
         ["de levering wie te let", "mar it personiel wie aardich"]),
        ("en", "Great prices. Terrible app!", ["Great prices.", "Terrible app!"]),
    ],
)  # fmt: skip
def test_split_on_punctuation_and_contrast(language: str, text: str, expected: list[str]) -> None:
    assert split_clauses(text, language) == expected


def test_one_word_pieces_stay_attached() -> None:
    assert split_clauses("late. again!", "en") == ["late. again!"]


def test_unknown_language_uses_every_conjunction() -> None:
    assert len(split_clauses("consegna lenta ma personale gentile", None)) == 2


def test_empty() -> None:
    assert split_clauses("   ", "en") == []
