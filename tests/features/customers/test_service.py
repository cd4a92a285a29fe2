"""Customers: created or updated by reference, found by reference."""

from __future__ import annotations

from sqlalchemy.orm import Session

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
