"""The send jobs against real servers: aiosmtpd for email, a loopback Twilio for SMS."""

from __future__ import annotations

import email
import logging
from dataclasses import dataclass
from datetime import timedelta
from email.message import EmailMessage
from email.policy import default as default_policy

import pytest
from sqlalchemy import Engine, select

from cxlens.channels.email import EmailSender, SentEmail
from cxlens.core.clock import ManualClock
from cxlens.core.settings import Settings
from cxlens.core.signing import Purpose
from cxlens.db import unit_of_work
from cxlens.features.collection.links import signer_for
from cxlens.features.distribution.senders import email_sender
from cxlens.features.distribution.service import create_invitation
from cxlens.features.distribution.tasks import register
from cxlens.jobs import HandlerRegistry, JobContext, message_id_for
from cxlens.models import Delivery, Invitation, Job
from cxlens.models.distribution import (
    ContactSuppression,
    InvitationDispatch,
    SuppressionLogEntry,
)
from cxlens.worker.loop import Worker

from .conftest import MakeCustomer, Smtp, Twilio


def _invite(engine: Engine, settings: Settings, clock: ManualClock, **kw: object) -> int:
    with unit_of_work(engine) as session:
        invitation = create_invitation(session, settings, clock=clock, **kw)  # type: ignore[arg-type]
        return invitation.id


def _parse(data: bytes) -> EmailMessage:
    message = email.message_from_bytes(data, policy=default_policy)
    assert isinstance(message, EmailMessage)
    return message


def _text(message: EmailMessage) -> str:
    part = message.get_body(("plain",))
    assert part is not None
    return str(part.get_content())


def test_email_invitation_arrives_with_the_vote_inside_in_the_customers_language(
    migrated_engine: Engine,
    settings: Settings,
    clock: ManualClock,
    worker: Worker,
    smtp: Smtp,
    survey: str,
    make_customer: MakeCustomer,
) -> None:
    customer = make_customer(locale="it-IT", name="Giulia Rossi", email="giulia@example.com")
    invitation_id = _invite(
        migrated_engine,
        settings,
        clock,
        customer_id=customer,
        survey_key=survey,
        channel="email",
        prefill={"order_id": "A-17"},
    )
    assert worker.drain() == 1
    assert len(smtp.messages) == 1
    message = _parse(smtp.messages[0].data)
    assert smtp.messages[0].rcpt_tos == ["giulia@example.com"]
    assert message["Subject"] == "Giulia, com'è andata?"
    assert "Anna at Acme" in message["From"]
    assert message["Content-Language"] == "it"
    text = _text(message)
    assert text.startswith("Buongiorno Giulia,")
    assert "Quanto è probabile che consiglieresti Acme" in text
    assert "/u/" in message["List-Unsubscribe"]
    signer = signer_for(settings)
    votes = [line.rsplit(" ", 1)[-1] for line in text.splitlines() if "/v/" in line]
    assert len(votes) == 11
    claims = signer.verify(votes[9].rsplit("/", 1)[-1], purpose=Purpose.ANSWER)
    assert (claims.invitation_id, claims.action) == (invitation_id, 9)
    html = message.get_body(("html",))
    assert html is not None and "/o/" in str(html.get_content())
    with unit_of_work(migrated_engine) as session:
        invitation = session.get_one(Invitation, invitation_id)
        dispatch = session.get_one(InvitationDispatch, invitation_id)
        assert invitation.sent_at is not None and invitation.delivered_at is not None
        assert signer.verify(invitation.token, purpose=Purpose.INVITATION).invitation_id == (
            invitation_id
        )
        assert dispatch.status == "sent"
        assert dispatch.prefill == {"order_id": "A-17"}


def test_a_crash_after_the_send_does_not_send_twice(
    migrated_engine: Engine,
    settings: Settings,
    clock: ManualClock,
    worker: Worker,
    smtp: Smtp,
    survey: str,
    make_customer: MakeCustomer,
) -> None:
    customer = make_customer()
    invitation_id = _invite(
        migrated_engine, settings, clock, customer_id=customer, survey_key=survey, channel="email"
    )
    with unit_of_work(migrated_engine) as session:
        job = session.execute(select(Job)).scalar_one()
        job_id = job.id
    registry = HandlerRegistry()
    from cxlens.features.distribution.tasks import register

    register(registry, settings)
    handler = registry.get("email.send")
    assert handler is not None
    context = JobContext(job_id, "email.send", 1, 8, "crashing", migrated_engine, clock)

    class Crash(Exception):
        pass

    with pytest.raises(Crash), unit_of_work(migrated_engine) as session:
        handler(session, {"invitation_id": invitation_id, "attempt": "initial"}, context)
        raise Crash  # the process dies before the job's transaction commits
    assert len(smtp.messages) == 1
    with unit_of_work(migrated_engine) as session:
        assert session.get_one(Invitation, invitation_id).sent_at is None  # rolled back
    assert worker.drain() == 1  # the job runs again ...
    assert len(smtp.messages) == 1  # ... and sends nothing more
    with unit_of_work(migrated_engine) as session:
        assert session.get_one(Invitation, invitation_id).sent_at is not None
        assert session.get_one(InvitationDispatch, invitation_id).status == "sent"


def test_a_bounce_suppresses_the_address_and_records_why(
    migrated_engine: Engine,
    settings: Settings,
    clock: ManualClock,
    worker: Worker,
    smtp: Smtp,
    survey: str,
    make_customer: MakeCustomer,
) -> None:
    customer = make_customer(email="gone@example.com")
    smtp.rcpt_replies["gone@example.com"] = "550 5.1.1 no such user"
    first = _invite(
        migrated_engine, settings, clock, customer_id=customer, survey_key=survey, channel="email"
    )
    worker.drain()
    clock.advance(timedelta(days=100))
    second = _invite(
        migrated_engine, settings, clock, customer_id=customer, survey_key=survey, channel="email"
    )
    worker.drain()
    assert smtp.messages == []
    with unit_of_work(migrated_engine) as session:
        dispatch = session.get_one(InvitationDispatch, first)
        assert dispatch.status == "failed"
        assert dispatch.failure_reason is not None and "550" in dispatch.failure_reason
        suppression = session.execute(select(ContactSuppression)).scalar_one()
        assert (suppression.reason, suppression.address) == ("bounce", "gone@example.com")
        log = {
            e.invitation_id: (e.rule, e.reason)
            for e in session.execute(select(SuppressionLogEntry)).scalars()
        }
        assert log[first][0] == "bounce"
        assert log[second] == (
            "suppressed_address",
            "gone@example.com bounced earlier and is suppressed",
        )


def test_a_temporary_failure_is_retried_through_the_queue(
    migrated_engine: Engine,
    settings: Settings,
    clock: ManualClock,
    worker: Worker,
    smtp: Smtp,
    survey: str,
    make_customer: MakeCustomer,
) -> None:
    customer = make_customer(email="busy@example.com")
    smtp.rcpt_replies["busy@example.com"] = "451 4.3.0 try again later"
    invitation_id = _invite(
        migrated_engine, settings, clock, customer_id=customer, survey_key=survey, channel="email"
    )
    worker.drain()
    with unit_of_work(migrated_engine) as session:
        job = session.execute(select(Job)).scalar_one()
        assert (job.status, job.attempts) == ("queued", 1)
    del smtp.rcpt_replies["busy@example.com"]
    clock.advance(timedelta(minutes=5))
    worker.drain()
    assert len(smtp.messages) == 1
    with unit_of_work(migrated_engine) as session:
        assert session.get_one(InvitationDispatch, invitation_id).status == "sent"


def test_reminders_go_out_after_their_interval_and_stop_once_completed(
    migrated_engine: Engine,
    settings: Settings,
    clock: ManualClock,
    worker: Worker,
    smtp: Smtp,
    survey: str,
    make_customer: MakeCustomer,
) -> None:
    customer = make_customer()
    invitation_id = _invite(
        migrated_engine,
        settings,
        clock,
        customer_id=customer,
        survey_key=survey,
        channel="email",
        reminders=2,
        reminder_interval=timedelta(days=3),
    )
    worker.drain()
    clock.advance(timedelta(days=3))
    worker.drain()
    assert len(smtp.messages) == 2
    assert _parse(smtp.messages[1].data)["Subject"].startswith("Reminder: ")
    with unit_of_work(migrated_engine) as session:
        session.get_one(Invitation, invitation_id).completed_at = clock.now()
    clock.advance(timedelta(days=3))
    worker.drain()
    assert len(smtp.messages) == 2
    with unit_of_work(migrated_engine) as session:
        entry = session.execute(select(SuppressionLogEntry)).scalar_one()
        assert entry.rule == "completed"
        assert session.get_one(InvitationDispatch, invitation_id).reminders_sent == 1


def test_sms_invitation_goes_to_twilio_in_one_segment(
    migrated_engine: Engine,
    settings: Settings,
    clock: ManualClock,
    worker: Worker,
    twilio: Twilio,
    survey: str,
    make_customer: MakeCustomer,
) -> None:
    customer = make_customer(phone="+393471234567", name="Ștefan Pop", locale="ro")
    invitation_id = _invite(
        migrated_engine, settings, clock, customer_id=customer, survey_key=survey, channel="sms"
    )
    worker.drain()
    assert len(twilio.requests) == 1
    sent = twilio.requests[0]
    assert sent["To"] == ["+393471234567"]
    body = sent["Body"][0]
    assert "http://127.0.0.1:8000/s/" in body and len(body) <= 160
    with unit_of_work(migrated_engine) as session:
        dispatch = session.get_one(InvitationDispatch, invitation_id)
        assert (dispatch.status, dispatch.provider_id) == ("sent", "SM1")


def test_an_invalid_number_at_twilio_is_a_bounce(
    migrated_engine: Engine,
    settings: Settings,
    clock: ManualClock,
    worker: Worker,
    twilio: Twilio,
    survey: str,
    make_customer: MakeCustomer,
) -> None:
    twilio.status = 400
    twilio.reply = {"code": 21211, "message": "The 'To' number is not valid.", "status": 400}
    customer = make_customer(phone="+393470000000")
    invitation_id = _invite(
        migrated_engine, settings, clock, customer_id=customer, survey_key=survey, channel="sms"
    )
    worker.drain()
    with unit_of_work(migrated_engine) as session:
        assert session.get_one(InvitationDispatch, invitation_id).status == "failed"
        suppression = session.execute(select(ContactSuppression)).scalar_one()
        assert (suppression.channel, suppression.address) == ("sms", "+393470000000")


def test_branding_names_the_company_and_signs_with_the_signature() -> None:
    from cxlens.features.distribution.messages import Branding

    both = Branding.from_settings(
        Settings(
            email_from_name="Anna from Acme",
            company_name="Acme",
            email_signature="Anna Rossi, Customer Care",
        )
    )
    assert (both.company, both.signature) == ("Acme", "Anna Rossi, Customer Care")
    fallback = Branding.from_settings(Settings(email_from_name="Anna from Acme"))
    assert (fallback.company, fallback.signature) == ("Anna from Acme", "Anna from Acme")


def _our_log(caplog: pytest.LogCaptureFixture) -> str:
    """What cxlens logged (the SMTP server's own debug log is the test server's business)."""
    return "\n".join(r.getMessage() for r in caplog.records if r.name.startswith("cxlens"))


def _ledger(engine: Engine) -> Delivery:
    with unit_of_work(engine) as session:
        return session.execute(select(Delivery)).scalar_one()


def test_the_ledger_holds_the_message_id_the_server_received(
    migrated_engine: Engine,
    settings: Settings,
    clock: ManualClock,
    worker: Worker,
    smtp: Smtp,
    survey: str,
    make_customer: MakeCustomer,
) -> None:
    customer = make_customer()
    invitation_id = _invite(
        migrated_engine, settings, clock, customer_id=customer, survey_key=survey, channel="email"
    )
    assert worker.drain() == 1
    received = _parse(smtp.messages[0].data)["Message-ID"]
    entry = _ledger(migrated_engine)
    assert (entry.state, entry.message_id) == ("sent", received)
    assert entry.message_id == message_id_for(entry.key, "acme.example")
    with unit_of_work(migrated_engine) as session:
        assert session.get_one(InvitationDispatch, invitation_id).provider_id == received


class CrashAfterAcceptance(Exception):
    """Stands for the worker dying after the server said 250 and before the ledger commit."""


@dataclass
class DiesAfterAcceptance:
    """The real SMTP sender, and a crash right after the server accepted the first message."""

    real: EmailSender
    crashes: int = 1

    def send(self, message: EmailMessage, *, envelope_from: str | None = None) -> SentEmail:
        sent = self.real.send(message, envelope_from=envelope_from)
        if self.crashes:
            self.crashes -= 1
            raise CrashAfterAcceptance
        return sent


def test_a_crash_between_acceptance_and_the_ledger_resends_the_same_message_id(
    migrated_engine: Engine,
    settings: Settings,
    clock: ManualClock,
    smtp: Smtp,
    survey: str,
    make_customer: MakeCustomer,
) -> None:
    real = email_sender(settings)
    assert real is not None
    registry = HandlerRegistry()
    register(registry, settings, email=DiesAfterAcceptance(real))
    worker = Worker(migrated_engine, registry=registry, clock=clock, seed=1)
    customer = make_customer()
    invitation_id = _invite(
        migrated_engine, settings, clock, customer_id=customer, survey_key=survey, channel="email"
    )
    worker.drain()
    assert len(smtp.messages) == 1
    entry = _ledger(migrated_engine)
    assert entry.state == "sending"  # the outcome is unknown to the ledger ...
    assert entry.message_id == _parse(smtp.messages[0].data)["Message-ID"]  # ... not its id
    with unit_of_work(migrated_engine) as session:
        assert session.get_one(InvitationDispatch, invitation_id).status != "sent"
    clock.advance(timedelta(hours=2))
    worker.drain()
    assert len(smtp.messages) == 2  # at-least-once: sent again ...
    first, second = (_parse(m.data)["Message-ID"] for m in smtp.messages)
    assert first == second == entry.message_id  # ... with the same Message-ID
    after = _ledger(migrated_engine)
    assert (after.state, after.attempts) == ("sent", 2)
    with unit_of_work(migrated_engine) as session:
        assert session.get_one(InvitationDispatch, invitation_id).status == "sent"


@pytest.mark.parametrize(
    "address",
    ["giulia@example.com\r\nRCPT TO:<evil@example.net>", "giulia@@example.com", "giulia"],
)
def test_a_malformed_address_fails_at_once_suppressed_and_not_logged(
    migrated_engine: Engine,
    settings: Settings,
    clock: ManualClock,
    worker: Worker,
    smtp: Smtp,
    survey: str,
    make_customer: MakeCustomer,
    caplog: pytest.LogCaptureFixture,
    address: str,
) -> None:
    customer = make_customer(email=address)
    invitation_id = _invite(
        migrated_engine, settings, clock, customer_id=customer, survey_key=survey, channel="email"
    )
    caplog.set_level(logging.DEBUG)
    assert worker.drain() == 1
    assert smtp.messages == [] and smtp.rcpt_seen == []
    with unit_of_work(migrated_engine) as session:
        job = session.execute(select(Job)).scalar_one()
        assert (job.status, job.attempts) == ("done", 1)  # one attempt, no retry queued
        dispatch = session.get_one(InvitationDispatch, invitation_id)
        assert dispatch.status == "failed"
        suppression = session.execute(select(ContactSuppression)).scalar_one()
        assert suppression.reason == "bounce"
    logged = _our_log(caplog)
    assert "permanent bounce failure" in logged
    assert "giulia" not in logged and "evil" not in logged


def test_a_5xx_with_the_address_in_the_reply_is_not_retried_nor_logged(
    migrated_engine: Engine,
    settings: Settings,
    clock: ManualClock,
    worker: Worker,
    smtp: Smtp,
    survey: str,
    make_customer: MakeCustomer,
    caplog: pytest.LogCaptureFixture,
) -> None:
    customer = make_customer(email="gone@example.com")
    smtp.data_reply = "554 5.7.1 <gone@example.com>: message refused"
    invitation_id = _invite(
        migrated_engine, settings, clock, customer_id=customer, survey_key=survey, channel="email"
    )
    caplog.set_level(logging.DEBUG)
    worker.drain()
    clock.advance(timedelta(days=1))
    worker.drain()
    with unit_of_work(migrated_engine) as session:
        job = session.execute(select(Job)).scalar_one()
        assert (job.status, job.attempts) == ("done", 1)
        assert session.get_one(InvitationDispatch, invitation_id).status == "failed"
    logged = _our_log(caplog)
    assert "permanent rejected failure (554)" in logged
    assert "gone@example.com" not in logged
