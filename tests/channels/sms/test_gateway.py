"""The generic JSON gateway adapter against a loopback server."""

from __future__ import annotations

import json

import pytest

from cxlens.channels import DeliveryError, FailureKind
from cxlens.channels.sms import HttpGatewayConfig, HttpGatewaySmsSender

from .conftest import FakeProvider, Reply

TO = "+31612345678"


def gateway(provider: FakeProvider, **overrides: object) -> HttpGatewaySmsSender:
    fields: dict[str, object] = {
        "url": f"{provider.url}/v1/sms",
        "sender_id": "Acme",
        "auth_value": "Bearer gw-key",
        "timeout": 2.0,
    }
    fields.update(overrides)
    return HttpGatewaySmsSender(HttpGatewayConfig(**fields))  # type: ignore[arg-type]


def test_default_shape(provider: FakeProvider) -> None:
    provider.answer(Reply(200, {"id": "msg-1", "status": "accepted"}))
    with gateway(provider) as sender:
        outcome = sender.send(TO, "Hoe was het? https://cx.example/s/x", idempotency_key="inv-7-1")
    assert (outcome.provider_id, outcome.status) == ("msg-1", "accepted")
    [request] = provider.requests
    assert request.path == "/v1/sms"
    assert request.headers["authorization"] == "Bearer gw-key"
    assert request.headers["idempotency-key"] == "inv-7-1"
    assert request.headers["content-type"] == "application/json"
    assert json.loads(request.body) == {
        "to": TO,
        "from": "Acme",
        "text": "Hoe was het? https://cx.example/s/x",
    }


def test_field_names_auth_header_and_reply_paths_are_configurable(provider: FakeProvider) -> None:
    provider.answer(Reply(202, {"data": {"messageId": 42, "state": "queued"}}))
    sender = gateway(
        provider,
        auth_header="X-Api-Key",
        auth_value="k",
        to_field="recipient",
        from_field="originator",
        body_field="message",
        id_field="data.messageId",
        status_field="data.state",
        idempotency_header="X-Request-Id",
        extra_fields={"channel": "sms", "priority": 1},
    )
    outcome = sender.send(TO, "x", idempotency_key="abc")
    assert (outcome.provider_id, outcome.status) == ("42", "queued")
    request = provider.requests[0]
    assert request.headers["x-api-key"] == "k"
    assert request.headers["x-request-id"] == "abc"
    assert "authorization" not in request.headers
    assert json.loads(request.body) == {
        "recipient": TO,
        "originator": "Acme",
        "message": "x",
        "channel": "sms",
        "priority": 1,
    }
    sender.close()


def test_reply_without_json_is_still_accepted(provider: FakeProvider) -> None:
    provider.answer(Reply(200, raw=b"OK"))
    assert gateway(provider).send(TO, "x").provider_id == ""


@pytest.mark.parametrize(
    ("reply", "kind"),
    [
        (Reply(400, {"code": "INVALID_NUMBER", "message": "no such number"}), "bounce"),
        (Reply(422, {"code": "BODY_TOO_LONG", "message": "too long"}), "rejected"),
        (Reply(401, {"message": "bad key"}), "configuration"),
        (Reply(404, raw=b"not found"), "configuration"),
        (Reply(429, {"message": "slow down"}), "temporary"),
        (Reply(500, raw=b"oops"), "temporary"),
        (Reply(503, {"message": "maintenance"}), "temporary"),
    ],
)
def test_error_replies_are_mapped(provider: FakeProvider, reply: Reply, kind: str) -> None:
    provider.answer(reply)
    sender = gateway(provider, bounce_codes=frozenset({"INVALID_NUMBER"}))
    with pytest.raises(DeliveryError) as caught:
        sender.send(TO, "x")
    assert caught.value.kind == FailureKind(kind)
    assert caught.value.code == reply.status
    assert caught.value.provider == "http-gateway"
    if isinstance(reply.body, dict):
        assert reply.body["message"] in str(caught.value)
    if isinstance(reply.body, dict) and "code" in reply.body:
        assert reply.body["code"] in str(caught.value)


def test_numeric_error_code_is_kept(provider: FakeProvider) -> None:
    provider.answer(Reply(400, {"error": {"code": 1001, "text": "invalid msisdn"}}))
    sender = gateway(
        provider,
        error_code_field="error.code",
        error_message_field="error.text",
        bounce_codes=frozenset({"1001"}),
    )
    with pytest.raises(DeliveryError) as caught:
        sender.send(TO, "x")
    assert (caught.value.kind, caught.value.code) == (FailureKind.BOUNCE, 1001)
    assert "invalid msisdn" in str(caught.value)


def test_slow_gateway_times_out_as_temporary(provider: FakeProvider) -> None:
    provider.answer(Reply(200, {"id": "late"}, delay=1.0))
    with pytest.raises(DeliveryError) as caught:
        gateway(provider, timeout=0.2).send(TO, "x")
    assert caught.value.kind is FailureKind.TEMPORARY


def test_bad_url_is_a_configuration_error() -> None:
    with pytest.raises(DeliveryError) as caught:
        HttpGatewaySmsSender(HttpGatewayConfig(url="ftp://gateway/sms")).send(TO, "x")
    assert caught.value.kind is FailureKind.CONFIGURATION
