"""SMS delivery reports over HTTP: an SMS sent through a loopback Twilio by the worker, then
Twilio's signed status callbacks (and a generic gateway's) posted to the real app."""

from __future__ import annotations

import json
from datetime import timedelta
from urllib.parse import urlencode

import pytest
from fastapi.testclient import TestClient
from pydantic import SecretStr
from sqlalchemy import Engine, select

from cxlens.channels.sms import gateway_signature, twilio_signature
from cxlens.core.clock import ManualClock
from cxlens.core.settings import Settings
from cxlens.db import unit_of_work
from cxlens.features.distribution.funnel import funnel
from cxlens.features.distribution.service import create_invitation
from cxlens.features.distribution.tasks import register
from cxlens.jobs import HandlerRegistry
from cxlens.models import Invitation
from cxlens.models.distribution import ContactSuppression, InvitationDispatch, SuppressionLogEntry
from cxlens.web.app import create_app
from cxlens.worker.loop import Worker
from features.distribution.conftest import MakeCustomer, Twilio

CALLBACK = "https://cx.example/webhooks/twilio/status"
FORM = {"Content-Type": "application/x-www-form-urlencoded"}
SECRET = "gateway-callback-secret-0123456789"


@pytest.fixture
def public(settings: Settings) -> Settings:
    return settings.model_copy(
        update={
            "public_base_url": "https://cx.example",
            "allowed_hosts": [*settings.allowed_hosts, "cx.example"],
            "sms_gateway_callback_secret": SecretStr(SECRET),
        }
    )


def _send_sms(
    engine: Engine, settings: Settings, clock: ManualClock, customer: int, survey: str
) -> int:
    registry = HandlerRegistry()
    register(registry, settings)
    with unit_of_work(engine) as session:
        invitation = create_invitation(
            session, settings, customer_id=customer, survey_key=survey, channel="sms", clock=clock
        )
        invitation_id = invitation.id
    Worker(engine, registry=registry, clock=clock, seed=1).drain()
    return invitation_id


def _twilio_post(client: TestClient, params: dict[str, str], token: str = "token") -> int:
    signature = twilio_signature(token, CALLBACK, params)
    headers = {**FORM, "X-Twilio-Signature": signature}
    response = client.post(CALLBACK, content=urlencode(params), headers=headers)
    return response.status_code


def test_twilio_reports_count_deliveries_and_suppress_bounced_numbers(
    migrated_engine: Engine,
    public: Settings,
    clock: ManualClock,
    twilio: Twilio,
    survey: str,
    make_customer: MakeCustomer,
) -> None:
    good = make_customer(phone="+393471234567")
    first = _send_sms(migrated_engine, public, clock, good, survey)
    assert twilio.requests[0]["StatusCallback"] == [CALLBACK]
    with unit_of_work(migrated_engine) as session:
        invitation = session.get_one(Invitation, first)
        assert invitation.sent_at is not None and invitation.delivered_at is None
        [row] = funnel(session, by=("channel",))
        assert (row.sent, row.delivered) == (1, 0)
    delivered = {"MessageSid": "SM1", "MessageStatus": "delivered", "AccountSid": "AC123"}
    with TestClient(create_app(public)) as client:
        unsigned = client.post(CALLBACK, content=urlencode(delivered), headers=FORM)
        assert unsigned.status_code == 403
        assert _twilio_post(client, delivered, token="not-the-token") == 403
        forged = {**FORM, "X-Twilio-Signature": twilio_signature("token", CALLBACK, delivered)}
        tampered = {**delivered, "MessageSid": "SM9"}
        assert client.post(CALLBACK, content=urlencode(tampered), headers=forged).status_code == 403
        assert _twilio_post(client, {**delivered, "MessageStatus": "sent"}) == 200
        assert _twilio_post(client, delivered) == 200
        assert _twilio_post(client, delivered) == 200  # Twilio retries: changes nothing
    with unit_of_work(migrated_engine) as session:
        [row] = funnel(session, by=("channel",))
        assert (row.sent, row.delivered) == (1, 1)

    twilio.reply = {"sid": "SM2", "status": "queued"}
    bad = make_customer(phone="+15005550009")
    second = _send_sms(migrated_engine, public, clock, bad, survey)
    failed = {
        "MessageSid": "SM2",
        "MessageStatus": "undelivered",
        "ErrorCode": "30005",
        "AccountSid": "AC123",
    }
    with TestClient(create_app(public)) as client:
        assert _twilio_post(client, failed) == 200
        body = client.post(
            CALLBACK,
            content=urlencode(failed),
            headers={**FORM, "X-Twilio-Signature": twilio_signature("token", CALLBACK, failed)},
        ).json()
    assert body == {"outcome": "already", "invitation_id": second, "address": None,
                    "status": "bounce"}  # fmt: skip
    with unit_of_work(migrated_engine) as session:
        row = session.execute(select(ContactSuppression)).scalar_one()
        assert (row.customer_id, row.channel, row.address, row.reason) == (
            bad,
            "sms",
            "+15005550009",
            "bounce",
        )
        assert session.get_one(InvitationDispatch, second).status == "failed"
    clock.advance(timedelta(days=40))
    third = _send_sms(migrated_engine, public, clock, bad, survey)
    assert len(twilio.requests) == 2
    with unit_of_work(migrated_engine) as session:
        entry = session.execute(
            select(SuppressionLogEntry).where(SuppressionLogEntry.invitation_id == third)
        ).scalar_one()
        assert entry.rule == "suppressed_address"


def test_gateway_reports_need_the_shared_secret(
    migrated_engine: Engine,
    public: Settings,
    clock: ManualClock,
    twilio: Twilio,
    survey: str,
    make_customer: MakeCustomer,
) -> None:
    invitation_id = _send_sms(migrated_engine, public, clock, make_customer(), survey)
    url = "/webhooks/sms-gateway/status"
    body = json.dumps({"id": "SM1", "status": "delivered"}).encode()
    with TestClient(create_app(public)) as client:
        assert client.post(url, content=body).status_code == 403
        wrong = {"X-Cxlens-Signature": gateway_signature("another-secret-0123456789", body)}
        assert client.post(url, content=body, headers=wrong).status_code == 403
        signed = {"X-Cxlens-Signature": gateway_signature(SECRET, body)}
        reply = client.post(url, content=body, headers=signed)
        assert reply.status_code == 200, reply.text
        assert reply.json()["outcome"] == "delivered"
        assert reply.json()["invitation_id"] == invitation_id
        junk = b'{"status": "delivered"}'
        bad = client.post(
            url, content=junk, headers={"X-Cxlens-Signature": gateway_signature(SECRET, junk)}
        )
        assert bad.status_code == 422 and "id" in bad.text
    with unit_of_work(migrated_engine) as session:
        assert session.get_one(Invitation, invitation_id).delivered_at is not None


def test_reports_are_refused_with_the_missing_setting_named_when_not_configured(
    settings: Settings,
) -> None:
    bare = settings.model_copy(
        update={"twilio_auth_token": None, "sms_gateway_callback_secret": None}
    )
    body = json.dumps({"id": "SM1", "status": "delivered"}).encode()
    with TestClient(create_app(bare)) as client:
        gateway = client.post("/webhooks/sms-gateway/status", content=body)
        twilio = client.post("/webhooks/twilio/status", content="MessageSid=SM1", headers=FORM)
    assert gateway.status_code == 403 and "CXLENS_SMS_GATEWAY_CALLBACK_SECRET" in gateway.text
    assert twilio.status_code == 403 and "CXLENS_TWILIO_AUTH_TOKEN" in twilio.text
