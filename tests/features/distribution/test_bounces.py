"""Bounces reported later (DSNs): an invitation sent through a real SMTP server (aiosmtpd),
its DSN fed back, the address suppressed, reminders cancelled, the next send suppressed."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import Engine, func, select

from channels.email.dsn_samples import STYLES, dsn, returned_headers
from cxlens.core.clock import ManualClock
from cxlens.core.settings import Settings
from cxlens.db import unit_of_work
from cxlens.features.distribution.bounces import BounceOutcome, process_dsn
from cxlens.features.distribution.service import create_invitation
from cxlens.features.distribution.tasks import register
from cxlens.jobs import HandlerRegistry
from cxlens.models import Invitation, Job
from cxlens.models.distribution import (
    ContactSuppression,
    InvitationDispatch,
    SuppressionLogEntry,
)
from cxlens.worker.loop import Worker

from .conftest import MakeCustomer, Smtp

BOUNCES = "bounces@acme.example"


@pytest.fixture
def verp_settings(settings: Settings) -> Settings:
    return settings.model_copy(update={"email_bounce_address": BOUNCES})


@pytest.fixture
def verp_worker(migrated_engine: Engine, verp_settings: Settings, clock: ManualClock) -> Worker:
    registry = HandlerRegistry()
    register(registry, verp_settings)
    return Worker(migrated_engine, registry=registry, clock=clock, seed=1)


def _invite(engine: Engine, settings: Settings, clock: ManualClock, **kw: object) -> int:
    with unit_of_work(engine) as session:
        return create_invitation(session, settings, clock=clock, **kw).id  # type: ignore[arg-type]


def _feed(engine: Engine, settings: Settings, clock: ManualClock, raw: bytes) -> BounceOutcome:
    with unit_of_work(engine) as session:
        return process_dsn(session, settings, raw, clock=clock).outcome


def _counts(engine: Engine) -> tuple[int, int]:
    with unit_of_work(engine) as session:
        suppressions = session.scalar(select(func.count()).select_from(ContactSuppression))
        log = session.scalar(select(func.count()).select_from(SuppressionLogEntry))
        return int(suppressions or 0), int(log or 0)


@pytest.mark.parametrize("style", STYLES)
def test_a_dsn_suppresses_the_address_cancels_reminders_and_the_next_send(
    style: str,
    migrated_engine: Engine,
    verp_settings: Settings,
    clock: ManualClock,
    verp_worker: Worker,
    smtp: Smtp,
    survey: str,
    make_customer: MakeCustomer,
) -> None:
    customer = make_customer(email="giulia@example.com")
    first = _invite(
        migrated_engine,
        verp_settings,
        clock,
        customer_id=customer,
        survey_key=survey,
        channel="email",
        reminders=1,
    )
    verp_worker.drain()
    [sent] = smtp.messages
    assert sent.mail_from.startswith("bounces+") and sent.mail_from.endswith("@acme.example")
    headers = returned_headers(sent.data)
    assert "X-Cxlens-Invitation:" in headers
    # Postfix returns the headers and was sent to the VERP address; Exchange's NDR here
    # only echoes the header; Gmail's only the VERP address (headers without ours).
    bounce_to = BOUNCES if style == "exchange" else sent.mail_from
    if style == "gmail":
        headers = "\n".join(
            line for line in headers.splitlines() if not line.startswith("X-Cxlens")
        )
    report = dsn(style, recipient="giulia@example.com", bounce_to=bounce_to, original=headers)

    clock.advance(timedelta(hours=5))
    assert _feed(migrated_engine, verp_settings, clock, report) is BounceOutcome.BOUNCED
    with unit_of_work(migrated_engine) as session:
        row = session.execute(select(ContactSuppression)).scalar_one()
        assert (row.customer_id, row.channel, row.reason) == (customer, "email", "bounce")
        assert row.address == "giulia@example.com"
        dispatch = session.get_one(InvitationDispatch, first)
        assert dispatch.status == "failed"
        assert dispatch.failure_reason is not None and "5.1.1" in dispatch.failure_reason
        assert session.get_one(Invitation, first).delivered_at is None
        reminder = session.execute(
            select(Job).where(Job.idempotency_key == f"invitation:{first}:reminder-1")
        ).scalar_one()
        assert reminder.status == "cancelled"
        rules = [e.rule for e in session.execute(select(SuppressionLogEntry)).scalars()]
        assert sorted(rules) == ["bounce", "suppressed_address"]
    before = _counts(migrated_engine)
    assert _feed(migrated_engine, verp_settings, clock, report) is BounceOutcome.ALREADY
    assert _counts(migrated_engine) == before

    clock.advance(timedelta(days=40))
    second = _invite(
        migrated_engine, verp_settings, clock, customer_id=customer, survey_key=survey,
        channel="email",
    )  # fmt: skip
    verp_worker.drain()
    assert len(smtp.messages) == 1
    with unit_of_work(migrated_engine) as session:
        entry = session.execute(
            select(SuppressionLogEntry).where(SuppressionLogEntry.invitation_id == second)
        ).scalar_one()
        assert entry.rule == "suppressed_address"
        assert session.get_one(InvitationDispatch, second).status == "suppressed"


def test_a_transient_dsn_a_forged_reference_and_an_auto_reply_change_nothing(
    migrated_engine: Engine,
    verp_settings: Settings,
    clock: ManualClock,
    verp_worker: Worker,
    smtp: Smtp,
    survey: str,
    make_customer: MakeCustomer,
) -> None:
    customer = make_customer(email="giulia@example.com")
    _invite(
        migrated_engine, verp_settings, clock, customer_id=customer, survey_key=survey,
        channel="email",
    )  # fmt: skip
    verp_worker.drain()
    [sent] = smtp.messages
    headers = returned_headers(sent.data)
    delayed = dsn("delayed", bounce_to=sent.mail_from, original=headers)
    assert _feed(migrated_engine, verp_settings, clock, delayed) is BounceOutcome.TRANSIENT

    local, domain = sent.mail_from.split("@")
    forged_ref = local[:-2] + ("aa" if not local.endswith("aa") else "bb")
    forged_headers = "\n".join(
        line for line in headers.splitlines() if not line.startswith("X-Cxlens")
    )
    forged = dsn("postfix", bounce_to=f"{forged_ref}@{domain}", original=forged_headers)
    assert _feed(migrated_engine, verp_settings, clock, forged) is BounceOutcome.UNMATCHED
    unsigned = dsn("gmail")
    assert _feed(migrated_engine, verp_settings, clock, unsigned) is BounceOutcome.UNMATCHED
    auto = dsn("autoreply", bounce_to=sent.mail_from)
    assert _feed(migrated_engine, verp_settings, clock, auto) is BounceOutcome.NOT_DSN
    assert _counts(migrated_engine) == (0, 0)
    with unit_of_work(migrated_engine) as session:
        assert session.execute(select(InvitationDispatch)).scalar_one().status == "sent"
