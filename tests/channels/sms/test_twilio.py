"""The Twilio adapter against a loopback server that answers like Twilio."""

from __future__ import annotations

import base64
from urllib.parse import parse_qs

import pytest

from cxlens.channels import DeliveryError, FailureKind
from cxlens.channels.sms import SmsSender, TwilioConfig, TwilioSmsSender
from cxlens.core.errors import ConfigurationError

from .conftest import FakeProvider, Reply

SID = "AC0123456789abcdef0123456789abcdef"
TOKEN = "twilio-auth-token"
TO = "+393471234567"


def twilio(provider: FakeProvider, **overrides: object) -> TwilioSmsSender:
    fields: dict[str, object] = {
        "account_sid": SID,
        "auth_token": TOKEN,
        "from_number": "+15005550006",
        "base_url": provider.url,
        "timeout": 2.0,
    }
    fields.update(overrides)
    return TwilioSmsSender(TwilioConfig(**fields))  # type: ignore[arg-type]


def created(sid: str = "SM1234") -> Reply:
    return Reply(201, {"sid": sid, "status": "queued", "num_segments": "1", "to": TO})


def error(status: int, code: int, message: str) -> Reply:
    return Reply(
        status,
        {
            "code": code,
            "message": message,
            "more_info": f"https://www.twilio.com/docs/errors/{code}",
            "status": status,
        },
    )


def test_message_is_posted_as_twilio_expects(provider: FakeProvider) -> None:
    provider.answer(created("SMabc"))
    with twilio(provider, status_callback="https://cx.example/hooks/twilio") as sender:
        outcome = sender.send(TO, "Hi Maria, how did we do? https://cx.example/s/AbC")
    assert (outcome.provider_id, outcome.status, outcome.to) == ("SMabc", "queued", TO)
    [request] = provider.requests
    assert request.path == f"/2010-04-01/Accounts/{SID}/Messages.json"
    assert request.headers["content-type"] == "application/x-www-form-urlencoded"
    expected_auth = base64.b64encode(f"{SID}:{TOKEN}".encode()).decode()
    assert request.headers["authorization"] == f"Basic {expected_auth}"
    form = parse_qs(request.body.decode())
    assert form == {
        "To": [TO],
        "From": ["+15005550006"],
        "Body": ["Hi Maria, how did we do? https://cx.example/s/AbC"],
        "StatusCallback": ["https://cx.example/hooks/twilio"],
    }


def test_messaging_service_instead_of_from(provider: FakeProvider) -> None:
    provider.answer(created())
    sender: SmsSender = twilio(provider, from_number=None, messaging_service_sid="MG999")
    sender.send(TO, "x")
    form = parse_qs(provider.requests[0].body.decode())
    assert form["MessagingServiceSid"] == ["MG999"] and "From" not in form


def test_unicode_body_arrives_intact(provider: FakeProvider) -> None:
    provider.answer(created())
    twilio(provider).send(TO, "Mulțumim, Ștefan! 🙂 https://cx.example/s/x")
    assert parse_qs(provider.requests[0].body.decode())["Body"] == [
        "Mulțumim, Ștefan! 🙂 https://cx.example/s/x"
    ]


@pytest.mark.parametrize(
    ("reply", "kind", "code"),
    [
        (error(400, 21211, "The 'To' number +39 is not a valid phone number."), "bounce", 21211),
        (error(400, 21610, "Attempt to send to unsubscribed recipient"), "bounce", 21610),
        (error(400, 21614, "'To' number is not a valid mobile number"), "bounce", 21614),
        (error(401, 20003, "Authenticate"), "configuration", 20003),
        (error(400, 21606, "The 'From' phone number is not valid"), "configuration", 21606),
        (
            error(400, 21617, "The concatenated message body exceeds 1600 characters"),
            "rejected",
            21617,
        ),
        (error(429, 20429, "Too Many Requests"), "temporary", 20429),
        (error(503, 20500, "Service unavailable"), "temporary", 20500),
        (Reply(502, raw=b"<html>Bad gateway</html>"), "temporary", 502),
    ],
)
def test_error_replies_are_mapped(
    provider: FakeProvider, reply: Reply, kind: str, code: int
) -> None:
    provider.answer(reply)
    with pytest.raises(DeliveryError) as caught:
        twilio(provider).send(TO, "x")
    assert caught.value.kind == FailureKind(kind)
    assert caught.value.code == code
    assert caught.value.provider == "twilio"
    if isinstance(reply.body, dict):
        assert reply.body["message"] in str(caught.value)


def test_retry_after_a_rate_limit_succeeds(provider: FakeProvider) -> None:
    provider.answer(error(429, 20429, "Too Many Requests"), created("SM2"))
    sender = twilio(provider)
    with pytest.raises(DeliveryError) as caught:
        sender.send(TO, "x")
    assert caught.value.temporary
    assert sender.send(TO, "x").provider_id == "SM2"
    assert len(provider.requests) == 2


def test_slow_provider_times_out_as_temporary(provider: FakeProvider) -> None:
    provider.answer(Reply(201, {"sid": "late"}, delay=1.0))
    with pytest.raises(DeliveryError) as caught:
        twilio(provider, timeout=0.2).send(TO, "x")
    assert caught.value.kind is FailureKind.TEMPORARY
    assert "in time" in str(caught.value)


def test_unreachable_provider_is_temporary() -> None:
    sender = TwilioSmsSender(
        TwilioConfig(SID, TOKEN, from_number="+15005550006", base_url="http://127.0.0.1:9")
    )
    with pytest.raises(DeliveryError) as caught:
        sender.send(TO, "x")
    assert caught.value.kind is FailureKind.TEMPORARY
    sender.close()


def test_malformed_number_bounces_without_a_request(provider: FakeProvider) -> None:
    with pytest.raises(DeliveryError) as caught:
        twilio(provider).send("0347 123", "x")
    assert caught.value.suppress_recipient
    assert provider.requests == []


def test_sender_needs_exactly_one_of_from_and_service() -> None:
    with pytest.raises(ConfigurationError):
        TwilioSmsSender(TwilioConfig(SID, TOKEN))
    with pytest.raises(ConfigurationError):
        TwilioSmsSender(TwilioConfig(SID, TOKEN, from_number="+1500", messaging_service_sid="MG"))
