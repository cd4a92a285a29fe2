"""Customers: created or updated by reference, found by reference."""

from __future__ import annotations

import phonenumbers
import pytest
from sqlalchemy.orm import Session

from cxlens.core.errors import InputError
from cxlens.features.customers import CustomerIn, upsert_customer
from cxlens.features.customers import repository as repo


def test_upsert_creates_then_updates_only_the_fields_given(session: Session) -> None:
    first = upsert_customer(session, CustomerIn(ref="c-1", email="a@example.com", locale="it"))
    again = upsert_customer(session, CustomerIn(ref="c-1", phone="+393331234567"))
    assert again.id == first.id
    assert (again.email, again.phone, again.locale) == ("a@example.com", "+393331234567", "it")
    assert repo.customer_by_ref(session, "c-1") is again
    assert repo.customer_by_ref(session, "c-2") is None


def test_ids_by_ref_for_the_refs_that_exist(session: Session) -> None:
    refs = [f"c-{i}" for i in range(repo.CHUNK + 3)]  # more than one IN (...) query
    made = {ref: upsert_customer(session, CustomerIn(ref=ref)).id for ref in refs}
    assert repo.customer_ids(session, [*refs, "nobody", refs[0]]) == made
    assert [c.customer_ref for c in repo.active_customers(session)][:2] == ["c-0", "c-1"]


def test_a_phone_is_stored_in_e164_read_in_the_locale_country(session: Session) -> None:
    # the number: valid for a Dutch mobile, refused by SMS providers only for its space
    assert phonenumbers.is_valid_number(phonenumbers.parse("+31 628639799"))
    one = upsert_customer(session, CustomerIn(ref="p-1", phone="+31 628639799"))
    assert one.phone == "+31628639799"
    national = upsert_customer(session, CustomerIn(ref="p-2", phone="06 28639799", locale="nl-NL"))
    assert national.phone == "+31628639799"
    later = upsert_customer(session, CustomerIn(ref="p-2", phone="06 12345678"))  # stored locale
    assert later.phone == "+31612345678"
    assert upsert_customer(session, CustomerIn(ref="p-1", phone="  ")).phone == "+31628639799"


@pytest.mark.parametrize(
    ("phone", "why"),
    [
        ("06 28639799", "no country code"),  # national, and no country to read it in
        ("+31 6286", "too short"),
        ("+31 123456789", "numbering plan"),
        ("call me", "not a phone number"),
    ],
)
def test_an_invalid_phone_is_refused_saying_why_and_nothing_is_written(
    session: Session, phone: str, why: str
) -> None:
    with pytest.raises(InputError) as caught:
        upsert_customer(session, CustomerIn(ref="p-3", phone=phone, locale="en"))
    assert caught.value.error_code == "invalid_phone" and caught.value.http_status == 422
    assert why in str(caught.value) and "field 'phone'" in str(caught.value)
    assert repo.customer_by_ref(session, "p-3") is None
