"""Reading and checking SMS delivery reports (Twilio callbacks, a generic gateway's)."""

from __future__ import annotations

import base64
import hashlib
import hmac

import pytest

from cxlens.channels.sms import (
    DELIVERY_BOUNCE_CODES,
    ReportError,
    SmsStatus,
    gateway_signature,
    read_gateway,
    read_twilio,
    twilio_signature,
    verify_gateway,
    verify_twilio,
)

URL = "https://cx.example/webhooks/twilio/status?x=1"
PARAMS = {"MessageSid": "SM1", "MessageStatus": "delivered", "AccountSid": "AC1", "To": "+39"}


def test_twilio_signature_is_hmac_sha1_of_url_and_sorted_fields() -> None:
    data = URL + "AccountSidAC1MessageSidSM1MessageStatusdeliveredTo+39"
    expected = base64.b64encode(hmac.new(b"tok", data.encode(), hashlib.sha1).digest()).decode()
    assert twilio_signature("tok", URL, PARAMS) == expected
    assert verify_twilio("tok", ["https://other", URL], PARAMS, expected)
    assert not verify_twilio("tok", [URL], {**PARAMS, "To": "+40"}, expected)
    assert not verify_twilio("tok", [URL + "&y=2"], PARAMS, expected)
    assert not verify_twilio("", [URL], PARAMS, expected)
    assert not verify_twilio("tok", [URL], PARAMS, None)


def test_twilio_fields_are_read_and_bad_ones_named() -> None:
    report = read_twilio(
        {"MessageSid": "SM1", "MessageStatus": "undelivered", "ErrorCode": "30005"}
    )
    assert (report.provider_id, report.status, report.error_code) == (
        "SM1",
        SmsStatus.UNDELIVERED,
        "30005",
    )
    assert report.failed and report.is_bounce(DELIVERY_BOUNCE_CODES)
    assert not read_twilio({"MessageSid": "SM1", "MessageStatus": "failed", "ErrorCode": "30007"}
                           ).is_bounce(DELIVERY_BOUNCE_CODES)  # fmt: skip
    with pytest.raises(ReportError, match="MessageSid"):
        read_twilio({"MessageStatus": "sent"})
    with pytest.raises(ReportError, match="MessageStatus: unknown status 'lost'"):
        read_twilio({"MessageSid": "SM1", "MessageStatus": "lost"})


def test_gateway_reports_are_signed_with_hmac_sha256_of_the_body() -> None:
    body = b'{"id": "m-1", "status": "DELIVRD"}'
    signature = gateway_signature("secret", body)
    assert signature == "sha256=" + hmac.new(b"secret", body, hashlib.sha256).hexdigest()
    assert verify_gateway("secret", body, signature)
    assert not verify_gateway("secret", body + b" ", signature)
    assert not verify_gateway("", body, signature)
    report = read_gateway({"id": "m-1", "status": "DELIVRD"})
    assert report.status is SmsStatus.DELIVERED
    failed = read_gateway({"id": 7, "status": "failed", "error_code": 4, "error_message": "no"})
    assert (failed.provider_id, failed.error_code, failed.is_bounce(["4"])) == ("7", "4", True)
    with pytest.raises(ReportError, match="body"):
        read_gateway([1])
