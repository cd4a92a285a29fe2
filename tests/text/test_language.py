from __future__ import annotations

import pytest

from cxlens.text import LANGUAGES, detect_language, detect_languages

SHORT = [
    ("en", "My parcel never arrived and nobody answers the phone"),
    ("it", "Il pacco non è mai arrivato e nessuno risponde"),
    ("ro", "Coletul nu a ajuns niciodată și nu răspunde nimeni"),
    ("nl", "Mijn pakket is nooit aangekomen en niemand neemt op"),
    ("fy", "Myn pakket is nea oankommen en nimmen nimt de telefoan op"),
    ("fr", "Mon colis n'est jamais arrivé et personne ne répond"),
    ("de", "Mein Paket ist nie angekommen und keiner geht ans Telefon"),
    ("es", "Mi paquete nunca llegó y nadie contesta el teléfono"),
    ("fy", "De meiwurkers wiene tige freonlik"),
    ("nl", "De medewerkers waren heel vriendelijk"),
]


@pytest.mark.parametrize(("expected", "text"), SHORT)
def test_short_comments_in_eight_languages(expected: str, text: str) -> None:
    guess = detect_language(text)
    assert guess.language == expected
    assert 0.5 <= guess.confidence <= 1.0


def test_frisian_is_in_the_language_set() -> None:
    assert "fy" in LANGUAGES and "nl" in LANGUAGES


@pytest.mark.parametrize("text", ["", "ok", "👍👍👍", "!!!", "10/10"])
def test_too_short_or_no_letters_is_unknown(text: str) -> None:
    guess = detect_language(text)
    assert guess.language is None
    assert guess.confidence < 0.5


def test_batch_matches_single() -> None:
    texts = [t for _, t in SHORT]
    assert detect_languages(texts) == [detect_language(t) for t in texts]
