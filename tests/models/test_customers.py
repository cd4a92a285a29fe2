from __future__ import annotations

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from cxlens.models import Customer, LifecycleEvent, Referral, Response
from factories import NOW, add_customer, add_response, add_survey_version
from models._helpers import rejected


def test_customer_refs_are_unique(session: Session) -> None:
    add_customer(session, "u1")
    rejected(session, lambda: add_customer(session, "u1"))


def test_lifecycle_kind_is_checked(session: Session) -> None:
    c = add_customer(session, "u1")
    rejected(session, lambda: session.add(LifecycleEvent(customer_id=c.id, kind="left", at=NOW)))
    session.add(LifecycleEvent(customer_id=c.id, kind="churned", at=NOW))
    session.flush()
    rejected(session, lambda: session.add(LifecycleEvent(customer_id=c.id, kind="churned", at=NOW)))


def test_a_referral_needs_existing_customers_and_is_stored_once(session: Session) -> None:
    a, b = add_customer(session, "a"), add_customer(session, "b")
    rejected(session, lambda: session.add(Referral(referrer_id=a.id, referred_id=b.id + 99)))
    session.add(Referral(referrer_id=a.id, referred_id=b.id))
    session.flush()
    rejected(session, lambda: session.add(Referral(referrer_id=a.id, referred_id=b.id)))


def test_deleting_a_customer_deletes_their_events_and_referrals(session: Session) -> None:
    a, b, c = add_customer(session, "a"), add_customer(session, "b"), add_customer(session, "c")
    session.add_all(
        [
            LifecycleEvent(customer_id=a.id, kind="acquired", at=NOW),
            LifecycleEvent(customer_id=c.id, kind="acquired", at=NOW),
            Referral(referrer_id=a.id, referred_id=b.id),
            Referral(referrer_id=c.id, referred_id=b.id),
        ]
    )
    session.flush()
    session.execute(delete(Customer).where(Customer.id == a.id))
    assert session.scalars(select(LifecycleEvent.customer_id)).all() == [c.id]
    assert session.scalars(select(Referral.referrer_id)).all() == [c.id]


def test_a_customer_with_responses_cannot_be_deleted(session: Session) -> None:
    c = add_customer(session, "u1")
    add_response(session, add_survey_version(session), "r1", customer_id=c.id)
    rejected(session, lambda: session.execute(delete(Customer).where(Customer.id == c.id)))
    assert session.scalar(select(func.count()).select_from(Response)) == 1
