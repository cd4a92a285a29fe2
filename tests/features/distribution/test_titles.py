"""The e-mail subject and the SMS use the survey's title in the invitation's language."""

from __future__ import annotations

import email
from datetime import timedelta
from typing import Any

from sqlalchemy import Engine

from cxlens.core.clock import ManualClock
from cxlens.core.settings import Settings
from cxlens.db import unit_of_work
from cxlens.features.distribution.service import create_invitation
from cxlens.features.surveys import create_survey
from cxlens.worker.loop import Worker

from .conftest import MakeCustomer, Smtp, Twilio

DEFINITION: dict[str, Any] = {
    "key": "order",
    "name": "Order survey",
    "languages": ["en", "it"],
    "title": {"en": "Your order at Acme", "it": "Il tuo ordine da Acme"},
    "questions": [
        {
            "key": "nps",
            "type": "nps",
            "labels": {"en": {"text": "Recommend us?"}, "it": {"text": "Ci consiglieresti?"}},
        }
    ],
}


def test_subject_reminder_and_sms_carry_the_italian_title(
    migrated_engine: Engine,
    settings: Settings,
    clock: ManualClock,
    worker: Worker,
    smtp: Smtp,
    twilio: Twilio,
    make_customer: MakeCustomer,
) -> None:
    with unit_of_work(migrated_engine) as session:
        create_survey(session, DEFINITION)
    italian = make_customer(locale="it-IT")
    english = make_customer(locale="en")
    by_sms = make_customer(locale="it")
    with unit_of_work(migrated_engine) as session:
        for customer in (italian, english):
            create_invitation(
                session, settings, customer_id=customer, survey_key="order", channel="email",
                reminders=1, clock=clock,
            )  # fmt: skip
        create_invitation(
            session, settings, customer_id=by_sms, survey_key="order", channel="sms", clock=clock
        )
    worker.drain()
    subjects = sorted(str(email.message_from_bytes(m.data)["Subject"]) for m in smtp.messages)
    assert subjects == ["Il tuo ordine da Acme", "Your order at Acme"]
    [sms] = twilio.requests
    assert "Il tuo ordine da Acme http://127.0.0.1:8000/s/" in sms["Body"][0]
    clock.advance(timedelta(days=3))
    worker.drain()
    reminders = [str(email.message_from_bytes(m.data)["Subject"]) for m in smtp.messages[2:]]
    assert "Promemoria: Il tuo ordine da Acme" in reminders
