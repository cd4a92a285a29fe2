"""Customers: created by reference (an event never changes a stored one's contact details),
changed only by an audited update, found by reference."""

from __future__ import annotations

import phonenumbers
import pytest
from sqlalchemy.orm import Session

from cxlens.core.errors import InputError, NotFoundError
from cxlens.features.accounts import recent_audit
from cxlens.features.customers import (
    ContactChanges,
    CustomerIn,
    save_customer,
    update_customer_contact,
    upsert_customer,
)
from cxlens.features.customers import repository as repo


def test_upsert_creates_with_contact_details_then_never_changes_them(session: Session) -> None:
    first = upsert_customer(
        session, CustomerIn(ref="c-1", email="a@example.com", name="Ann", locale="it")
    )
    assert first.created and first.contact_ignored == ()
    again = upsert_customer(
        session,
        CustomerIn(
            ref="c-1",
            email="attacker@example.net",
            phone="+393331234567",
            name="Ann",  # the same: not reported
            locale="it-IT",
        ),
    )
    customer = again.customer
    assert customer.id == first.customer.id and not again.created
    assert again.contact_ignored == ("email", "phone")  # a phone where none was is a change too
    assert (customer.email, customer.phone, customer.name) == ("a@example.com", None, "Ann")
    assert customer.locale == "it-IT"  # a preference, not an address: an event may set it
    same = upsert_customer(session, CustomerIn(ref="c-1", email=" A@Example.com "))
    assert same.contact_ignored == ()  # the stored address, in another case
    assert repo.customer_by_ref(session, "c-1") is customer
    assert repo.customer_by_ref(session, "c-2") is None
    assert recent_audit(session) == []


def test_an_authenticated_update_changes_contact_details_and_audits_the_field_names(
    session: Session,
) -> None:
    upsert_customer(session, CustomerIn(ref="c-1", email="a@example.com", locale="nl-NL"))
    changed = update_customer_contact(
        session,
        "c-1",
        ContactChanges(email="new@example.com", phone="06 28639799", name="Ann"),
        source="cli",
    )
    assert changed == ["email", "phone", "name"]
    customer = repo.customer_by_ref(session, "c-1")
    assert customer is not None
    assert (customer.email, customer.phone, customer.name) == (
        "new@example.com",
        "+31628639799",  # national, read in the stored locale's country
        "Ann",
    )
    [entry] = recent_audit(session)
    assert (entry.action, entry.source, entry.target) == ("customer.contact_changed", "cli", "c-1")
    assert entry.details == {"fields": ["email", "phone", "name"]}
    assert "new@example.com" not in str(entry.model_dump())  # names, never values
    assert update_customer_contact(session, "c-1", ContactChanges(email="new@example.com")) == []
    assert update_customer_contact(session, "c-1", ContactChanges(name="")) == ["name"]
    assert customer.name is None  # an empty string clears
    assert len(recent_audit(session)) == 2  # no entry when nothing changed
    with pytest.raises(NotFoundError) as caught:
        update_customer_contact(session, "nobody", ContactChanges(email="x@example.com"))
    assert caught.value.error_code == "unknown_customer"


def test_save_customer_creates_or_updates_with_an_audit_entry(session: Session) -> None:
    made = save_customer(session, CustomerIn(ref="c-9", email="a@example.com"))
    assert made.email == "a@example.com" and recent_audit(session) == []
    saved = save_customer(session, CustomerIn(ref="c-9", email="b@example.com"), source="cli")
    assert saved.id == made.id and saved.email == "b@example.com"
    assert [e.details for e in recent_audit(session)] == [{"fields": ["email"]}]


def test_ids_by_ref_for_the_refs_that_exist(session: Session) -> None:
    refs = [f"c-{i}" for i in range(repo.CHUNK + 3)]  # more than one IN (...) query
    made = {ref: upsert_customer(session, CustomerIn(ref=ref)).customer.id for ref in refs}
    assert repo.customer_ids(session, [*refs, "nobody", refs[0]]) == made
    assert [c.customer_ref for c in repo.active_customers(session)][:2] == ["c-0", "c-1"]


def test_a_phone_is_stored_in_e164_read_in_the_locale_country(session: Session) -> None:
    # the number: valid for a Dutch mobile, refused by SMS providers only for its space
    assert phonenumbers.is_valid_number(phonenumbers.parse("+31 628639799"))
    one = upsert_customer(session, CustomerIn(ref="p-1", phone="+31 628639799")).customer
    assert one.phone == "+31628639799"
    national = upsert_customer(session, CustomerIn(ref="p-2", phone="06 28639799", locale="nl-NL"))
    assert national.customer.phone == "+31628639799"
    # the same number, nationally written, read in the stored locale: not a change
    same = upsert_customer(session, CustomerIn(ref="p-2", phone="06 28639799"))
    assert same.contact_ignored == ()
    later = update_customer_contact(session, "p-2", ContactChanges(phone="06 12345678"))
    assert later == ["phone"] and national.customer.phone == "+31612345678"
    blank = upsert_customer(session, CustomerIn(ref="p-1", phone="  "))
    assert blank.customer.phone == "+31628639799" and blank.contact_ignored == ()


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
