"""An event never changes a known customer's contact details: the invitation goes to the
stored address, and the result says which fields were not taken."""

from __future__ import annotations

from sqlalchemy import Engine

from cxlens.core.clock import ManualClock
from cxlens.core.settings import Settings
from cxlens.db import unit_of_work
from cxlens.features.accounts import recent_audit
from cxlens.features.customers import ContactChanges, CustomerIn, update_customer_contact
from cxlens.features.customers import repository as customers
from cxlens.features.distribution.schemas import EventIn
from cxlens.features.distribution.service import add_trigger_rule, record_event
from cxlens.worker.loop import Worker

from .conftest import START, MakeCustomer, Smtp


def _event(key: str, email: str, name: str | None = None) -> EventIn:
    return EventIn(
        event="order.completed",
        customer=CustomerIn(ref="shopper-1", email=email, name=name),
        occurred_at=START,
        idempotency_key=key,
    )


def test_an_event_for_a_known_customer_keeps_the_stored_address_and_says_so(
    migrated_engine: Engine,
    settings: Settings,
    clock: ManualClock,
    worker: Worker,
    smtp: Smtp,
    survey: str,
    make_customer: MakeCustomer,
) -> None:
    make_customer(customer_ref="shopper-1", email="shopper@example.com", name="Giulia")
    with unit_of_work(migrated_engine) as session:
        add_trigger_rule(session, event="order.completed", survey_key=survey, channel="email")
    with unit_of_work(migrated_engine) as session:
        result = record_event(
            session, settings, _event("e-1", "attacker@evil.example", "Mallory"), clock=clock
        )
    assert result.contact_ignored == ["email", "name"]
    assert len(result.invitation_ids) == 1
    worker.drain()
    assert [m.rcpt_tos for m in smtp.messages] == [["shopper@example.com"]]
    assert b"attacker" not in smtp.messages[0].data
    with unit_of_work(migrated_engine) as session:
        stored = customers.customer_by_ref(session, "shopper-1")
        assert stored is not None
        assert (stored.email, stored.name) == ("shopper@example.com", "Giulia")
        again = record_event(session, settings, _event("e-1", "attacker@evil.example"))
        assert again.duplicate and again.contact_ignored == []  # a replay compares nothing
        assert recent_audit(session) == []  # nothing changed, nothing audited


def test_an_event_creates_a_customer_with_its_contact_details_an_update_changes_them(
    migrated_engine: Engine,
    settings: Settings,
    clock: ManualClock,
    worker: Worker,
    smtp: Smtp,
    survey: str,
) -> None:
    with unit_of_work(migrated_engine) as session:
        add_trigger_rule(session, event="order.completed", survey_key=survey, channel="email")
    with unit_of_work(migrated_engine) as session:
        first = record_event(session, settings, _event("e-1", "first@example.com"), clock=clock)
    assert first.contact_ignored == []
    worker.drain()
    assert [m.rcpt_tos for m in smtp.messages] == [["first@example.com"]]
    with unit_of_work(migrated_engine) as session:
        changed = update_customer_contact(
            session, "shopper-1", ContactChanges(email="moved@example.com"), source="cli"
        )
        assert changed == ["email"]
        [entry] = recent_audit(session)
        assert (entry.action, entry.target, entry.details) == (
            "customer.contact_changed",
            "shopper-1",
            {"fields": ["email"]},
        )
    with unit_of_work(migrated_engine) as session:
        later = record_event(session, settings, _event("e-2", "first@example.com"), clock=clock)
    assert later.contact_ignored == ["email"]  # the old address no longer wins either
    with unit_of_work(migrated_engine) as session:
        stored = customers.customer_by_ref(session, "shopper-1")
        assert stored is not None and stored.email == "moved@example.com"
