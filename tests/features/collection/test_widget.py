"""The widget believes a customer reference only with the site's signature, and counts one
impression per customer, survey and day however often it is asked."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from cxlens.core.errors import NotFoundError
from cxlens.core.signing import Signer, customer_signature
from cxlens.features.collection.widget import (
    Decision,
    SignedCustomer,
    WidgetTrust,
    decide,
    save_widget_answers,
)
from cxlens.features.distribution.service import record_opt_out
from cxlens.features.surveys import create_survey
from cxlens.models import Customer, Invitation

from .conftest import DEFINITION

NOW = datetime(2030, 3, 16, 10, 0, tzinfo=UTC)
SECRET = "widget-test-secret-0123456789abcdef"
TRUST = WidgetTrust(SECRET, timedelta(hours=24))
SIGNER = Signer(["widget-test-signing-key-0123456789"])


def _signed(ref: str, at: datetime = NOW, secret: str = SECRET) -> SignedCustomer:
    issued = int(at.timestamp())
    return SignedCustomer(ref, issued, customer_signature(secret, ref, issued))


def _decide(session: Session, customer: SignedCustomer | None, now: datetime = NOW) -> Decision:
    return decide(
        session,
        SIGNER,
        survey_key="after-order",
        event="order.done",
        customer=customer,
        trust=TRUST,
        language="en",
        hidden={},
        now=now,
    )


def _invitations(session: Session) -> list[tuple[int | None, str]]:
    rows = session.execute(select(Invitation.customer_id, Invitation.channel)).all()
    return [(c, ch) for c, ch in rows]


@pytest.fixture
def shopper(session: Session) -> int:
    """The test survey and a stored customer ``shopper``; the customer's id."""
    create_survey(session, DEFINITION)
    customer = Customer(customer_ref="shopper")
    session.add(customer)
    session.flush()
    return customer.id


def test_a_valid_signature_attaches_the_customer(session: Session, shopper: int) -> None:
    shown = _decide(session, _signed("shopper", NOW - timedelta(hours=23)))
    assert shown.show and shown.token is not None
    assert _invitations(session) == [(shopper, "widget")]


@pytest.mark.parametrize(
    "customer",
    [
        SignedCustomer("shopper"),  # unsigned
        SignedCustomer("shopper", int(NOW.timestamp()), "0" * 64),  # forged
        SignedCustomer("shopper", int(NOW.timestamp()), "zz"),  # malformed
        _signed("shopper", NOW - timedelta(hours=25)),  # expired
        _signed("shopper", NOW + timedelta(hours=1)),  # issued in the future
        _signed("shopper", secret="another-site-secret-0123456789"),  # another secret
        SignedCustomer("shopper", _signed("someone").issued_at, _signed("someone").signature),
    ],
    ids=["unsigned", "forged", "malformed", "expired", "future", "other-secret", "other-ref"],
)
def test_without_a_valid_signature_nothing_is_shown_or_written(
    session: Session, shopper: int, customer: SignedCustomer
) -> None:
    assert _decide(session, customer) == Decision(False, "invalid_signature")
    assert _invitations(session) == []


def test_an_anonymous_answer_is_never_attached_to_a_customer(
    session: Session, shopper: int
) -> None:
    shown = _decide(session, None)
    assert shown.show and shown.token is not None
    save_widget_answers(session, SIGNER, shown.token, {"nps": 9}, complete=True)
    assert _invitations(session) == [(None, "widget")]
    forged = Signer(["a-key-the-server-does-not-know-0123"]).sign(1)
    with pytest.raises(NotFoundError):
        save_widget_answers(session, SIGNER, forged, {"nps": 9}, complete=True)


def test_repeated_decisions_count_one_impression_per_customer_survey_and_day(
    session: Session, shopper: int
) -> None:
    first = _decide(session, _signed("shopper"))
    again = [_decide(session, _signed("shopper"), NOW + timedelta(minutes=m)) for m in (1, 60)]
    assert first.show and all(d.show and d.token == first.token for d in again)
    assert session.scalar(select(func.count()).select_from(Invitation)) == 1
    assert first.token is not None
    save_widget_answers(session, SIGNER, first.token, {"nps": 9}, complete=True)
    assert _decide(session, _signed("shopper"), NOW + timedelta(hours=2)).reason == "answered"
    tomorrow = NOW + timedelta(days=1)
    later = _decide(session, _signed("shopper", tomorrow), tomorrow)
    assert later.show and later.token != first.token
    assert session.scalar(select(func.count()).select_from(Invitation)) == 2


def test_an_opt_out_after_the_first_impression_silences_the_widget(
    session: Session, shopper: int
) -> None:
    assert _decide(session, _signed("shopper")).show
    record_opt_out(session, shopper)
    assert _decide(session, _signed("shopper")) == Decision(False, "opted_out")
