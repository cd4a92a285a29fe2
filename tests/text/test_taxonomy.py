from __future__ import annotations

import pytest

from cxlens.core.errors import InputError
from cxlens.text import Taxonomy, Theme, default_taxonomy, theme_key

REQUIRED = [
    "shipping & delivery", "returns & refunds", "price & value", "product quality",
    "staff attitude", "waiting time", "website/app usability", "checkout & payment",
    "phone line & call quality", "billing", "onboarding", "communication",
    "stock & availability", "store environment",
]  # fmt: skip


def test_default_taxonomy_has_the_cx_themes_with_examples_in_eight_languages() -> None:
    taxonomy = default_taxonomy()
    names = [t.name for t in taxonomy.themes]
    for name in REQUIRED:
        assert name in names
    for theme in taxonomy.themes:
        assert theme.description
        assert set(theme.examples) >= {"en", "it", "ro", "nl", "fy", "fr", "de", "es"}


def test_theme_key() -> None:
    assert theme_key("Shipping & delivery") == "shipping_delivery"
    assert theme_key("Café Parking!") == "cafe_parking"


def test_add_edit_delete_are_pure() -> None:
    base = default_taxonomy()
    parking = Theme.create("parking", "Parking at the store", ["no parking spaces"])
    added = base.add(parking)
    assert "parking" in added and "parking" not in base
    edited = added.edit("parking", description="Car park", examples={"nl": ("geen parkeerplek",)})
    assert edited.get("parking").description == "Car park"
    assert edited.get("parking").examples == {"nl": ("geen parkeerplek",)}
    assert added.get("parking").description == "Parking at the store"
    removed = edited.delete("parking")
    assert removed.keys == base.keys


def test_merge_pools_examples_and_removes_the_others() -> None:
    base = default_taxonomy()
    merged = base.merge(["billing"], into="checkout_payment", name="payment & billing")
    assert "billing" not in merged
    theme = merged.get("checkout_payment")
    assert theme.name == "payment & billing"
    assert set(base.get("billing").examples["en"]) <= set(theme.examples["en"])
    assert len(merged) == len(base) - 1


def test_errors_name_the_problem() -> None:
    base = default_taxonomy()
    with pytest.raises(InputError, match="exists already"):
        base.add(Theme.create("Billing"))
    with pytest.raises(InputError, match="no theme 'nope'"):
        base.delete("nope")
    with pytest.raises(InputError, match="needs a name"):
        Theme.create("  ")


def test_json_round_trip() -> None:
    base = default_taxonomy().add(Theme.create("parking", "cars", ["x"], threshold=0.03))
    again = Taxonomy.from_json(base.to_json())
    assert again == base
