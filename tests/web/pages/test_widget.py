"""The widget's endpoints over HTTP on both backends: signed customer references, replies
that never say why, one impression per customer and day."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import Engine, func, select

from cxlens.core.signing import customer_signature
from cxlens.db import engine_for_url, unit_of_work
from cxlens.features.distribution.service import record_opt_out
from cxlens.models import Customer, Invitation, SurveyVersion

DECIDE = "/api/v1/widget/decide"


@pytest.fixture
def engine(site: Any) -> Iterator[Engine]:
    """The site's database."""
    engine = engine_for_url(site.settings.resolved_database_url())
    yield engine
    engine.dispose()


def _body(site: Any, ref: str | None, *, age: timedelta = timedelta(0), **extra: Any) -> str:
    data: dict[str, Any] = {"survey": "after-order", "event": "order.done", "lang": "en"}
    if ref is not None:
        issued = int(time.time() - age.total_seconds())
        secret = site.settings.resolved_widget_secret()
        signature = customer_signature(secret, ref, issued)
        data.update(customer=ref, issued_at=issued, signature=signature)
    return json.dumps({**data, **extra})


def _widget_invitations(engine: Engine) -> list[int | None]:
    with unit_of_work(engine) as session:
        query = select(Invitation.customer_id).where(Invitation.channel == "widget")
        return list(session.scalars(query))


def _add_customer(engine: Engine, ref: str, *, contacted: bool = False) -> int:
    with unit_of_work(engine) as session:
        customer = Customer(customer_ref=ref)
        session.add(customer)
        session.flush()
        if contacted:  # an e-mail invitation sent yesterday: not due for another survey
            version = session.scalars(select(SurveyVersion)).first()
            assert version is not None
            yesterday = datetime.now(UTC) - timedelta(days=1)
            session.add(
                Invitation(
                    survey_version_id=version.id,
                    customer_id=customer.id,
                    channel="email",
                    token=f"t-{ref}",
                    sent_at=yesterday,
                    delivered_at=yesterday,
                )
            )
        return customer.id


@pytest.mark.parametrize(
    "extra",
    [
        {},  # unsigned
        {"signature": "0" * 64},  # forged
        {"issued_at": 1_000_000_000},  # the signature of another time
        {"customer": "c9"},  # the signature of another customer
    ],
    ids=["unsigned", "forged", "other-time", "other-customer"],
)
def test_a_customer_without_a_valid_signature_gets_nothing(
    site: Any, engine: Engine, extra: dict[str, Any]
) -> None:
    body = _body(site, None, customer="c1") if not extra else _body(site, "c1", **extra)
    reply = site.client.post(DECIDE, content=body)
    assert reply.status_code == 200 and reply.json() == {"show": False}
    assert _widget_invitations(engine) == []


def test_an_expired_signature_gets_nothing(site: Any, engine: Engine) -> None:
    reply = site.client.post(DECIDE, content=_body(site, "c1", age=timedelta(hours=25)))
    assert reply.json() == {"show": False}
    assert _widget_invitations(engine) == []


def test_the_reply_never_says_why_not(site: Any, engine: Engine) -> None:
    opted_out = _add_customer(engine, "gone")
    with unit_of_work(engine) as session:
        record_opt_out(session, opted_out)
    _add_customer(engine, "recent", contacted=True)
    replies = [site.client.post(DECIDE, content=_body(site, ref)) for ref in ("gone", "recent")]
    assert [r.status_code for r in replies] == [200, 200]
    assert replies[0].content == replies[1].content == b'{"show":false}'
    assert replies[0].headers == replies[1].headers


def test_repeated_decisions_do_not_grow_the_funnel(site: Any, engine: Engine) -> None:
    customer = _add_customer(engine, "shopper")
    replies = [site.client.post(DECIDE, content=_body(site, "shopper")).json() for _ in range(5)]
    assert all(r["show"] for r in replies)
    assert len({r["token"] for r in replies}) == 1
    assert _widget_invitations(engine) == [customer]
    with unit_of_work(engine) as session:
        count = session.scalar(select(func.count()).select_from(Invitation))
    assert count == 2  # the fixture's e-mail invitation and one widget impression


def test_an_anonymous_visitor_is_shown_the_survey_without_a_customer(
    site: Any, engine: Engine
) -> None:
    reply = site.client.post(DECIDE, content=_body(site, None)).json()
    assert reply["show"]
    answer = {"token": reply["token"], "answers": {"nps": 7}}
    assert site.client.post("/api/v1/widget/answer", json=answer).json()["ok"]
    assert _widget_invitations(engine) == [None]


def test_an_issue_time_must_be_a_number(site: Any) -> None:
    reply = site.client.post(DECIDE, content=_body(site, "c1", issued_at="soon"))
    assert reply.status_code == 422
