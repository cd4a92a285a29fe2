"""``CustomerIn``: a phone given to the API or the CLI is valid and stored in E.164."""

from __future__ import annotations

import phonenumbers
import pytest
from pydantic import ValidationError

from cxlens.features.customers import CustomerIn


def test_an_international_phone_is_stored_in_e164() -> None:
    # the number: valid for a Dutch mobile, refused by SMS providers only for its space
    assert phonenumbers.is_valid_number(phonenumbers.parse("+31 628639799"))
    assert CustomerIn(ref="c1", phone="+31 628639799").phone == "+31628639799"
    assert CustomerIn(ref="c1", phone="  ").phone is None


@pytest.mark.parametrize(
    ("phone", "why"),
    [
        ("06 28639799", "no country code"),  # national: no country to read it in
        ("+31 6286", "too short"),
        ("+31 123456789", "numbering plan"),
        ("call me", "not a phone number"),
    ],
)
def test_an_invalid_phone_is_refused_saying_why(phone: str, why: str) -> None:
    with pytest.raises(ValidationError) as caught:
        CustomerIn(ref="c2", phone=phone)
    assert "international form" in str(caught.value)
    assert why in str(caught.value)
