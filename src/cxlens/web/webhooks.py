"""Provider webhooks: SMS delivery reports from Twilio and from a generic gateway.

``POST /webhooks/twilio/status`` checks ``X-Twilio-Signature`` with the Twilio auth token
(over the ``StatusCallback`` URL cxlens sent, or the URL the request came to);
``POST /webhooks/sms-gateway/status`` checks ``X-Cxlens-Signature: sha256=<hex>``, an
HMAC-SHA256 of the body with ``CXLENS_SMS_GATEWAY_CALLBACK_SECRET``. A request without a
valid signature is refused with 403 and changes nothing.
"""

from __future__ import annotations

import json
from typing import Annotated
from urllib.parse import parse_qsl

from fastapi import APIRouter, Depends, Request

from cxlens.channels.sms import (
    DELIVERY_BOUNCE_CODES,
    GATEWAY_SIGNATURE_HEADER,
    TWILIO_SIGNATURE_HEADER,
    read_gateway,
    read_twilio,
    verify_gateway,
    verify_twilio,
)
from cxlens.core.errors import ForbiddenError, InputError, TooLargeError
from cxlens.core.settings import Settings, reveal
from cxlens.features.distribution.schemas import BounceReply
from cxlens.features.distribution.sms_reports import (
    GATEWAY_STATUS_PATH,
    TWILIO_STATUS_PATH,
    apply_sms_report,
    twilio_status_callback,
)
from cxlens.web.deps import SettingsDep, WriterDep
from cxlens.web.errors import problem_responses

router = APIRouter(tags=["webhooks"])

#: The largest delivery report taken.
MAX_REPORT_BYTES = 64 * 1024


async def _body(request: Request) -> bytes:
    body = await request.body()
    if len(body) > MAX_REPORT_BYTES:
        raise TooLargeError(
            "the report is larger than 64 KB",
            expected=f"at most {MAX_REPORT_BYTES:,} bytes",
            limit=MAX_REPORT_BYTES,
        )
    return body


def _reply(outcome: str, invitation_id: int | None, status: str | None) -> BounceReply:
    return BounceReply(outcome=outcome, invitation_id=invitation_id, status=status)


async def twilio_report(request: Request) -> dict[str, str]:
    """The form fields of a Twilio callback whose signature checks out, else 403."""
    settings: Settings = request.app.state.settings
    auth_token = reveal(settings.twilio_auth_token)
    if not auth_token:
        raise ForbiddenError(
            "Twilio delivery reports are not accepted: CXLENS_TWILIO_AUTH_TOKEN is not set",
            error_code="not_configured",
        )
    body = await _body(request)
    params = dict(parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True))
    urls = [u for u in (twilio_status_callback(settings), str(request.url)) if u]
    signature = request.headers.get(TWILIO_SIGNATURE_HEADER)
    if not verify_twilio(auth_token, urls, params, signature):
        raise ForbiddenError("the Twilio signature does not match", error_code="bad_signature")
    return params


@router.post(
    TWILIO_STATUS_PATH,
    response_model=BounceReply,
    summary="Twilio status callback",
    responses=problem_responses(403, 413, 422),
)
def twilio_status(
    params: Annotated[dict[str, str], Depends(twilio_report)],
    writer: WriterDep,
) -> BounceReply:
    """A Twilio delivery report (``MessageSid``, ``MessageStatus``, ``ErrorCode``), signed
    with ``X-Twilio-Signature``. ``delivered`` counts in the funnel; ``undelivered`` or
    ``failed`` with an invalid-number code suppresses the number."""
    report = read_twilio(params)
    result = writer.write(
        lambda session: apply_sms_report(session, report, bounce_codes=DELIVERY_BOUNCE_CODES)
    )
    return _reply(result.outcome, result.invitation_id, result.status)


async def gateway_report(request: Request) -> bytes:
    """The body of a gateway report whose signature checks out, else 403."""
    settings: Settings = request.app.state.settings
    secret = reveal(settings.sms_gateway_callback_secret)
    if not secret:
        raise ForbiddenError(
            "SMS gateway reports are not accepted: CXLENS_SMS_GATEWAY_CALLBACK_SECRET is not set",
            error_code="not_configured",
        )
    body = await _body(request)
    signature = request.headers.get(GATEWAY_SIGNATURE_HEADER)
    if not verify_gateway(secret, body, signature):
        raise ForbiddenError("the gateway signature does not match", error_code="bad_signature")
    return body


@router.post(
    GATEWAY_STATUS_PATH,
    response_model=BounceReply,
    summary="SMS gateway report",
    responses=problem_responses(403, 413, 422),
)
def gateway_status(
    body: Annotated[bytes, Depends(gateway_report)],
    writer: WriterDep,
    settings: SettingsDep,
) -> BounceReply:
    """A generic gateway's delivery report: JSON ``{"id", "status", "error_code",
    "error_message"}`` signed with ``X-Cxlens-Signature: sha256=<hex HMAC-SHA256 of the
    body>``. Bounce codes are ``CXLENS_SMS_GATEWAY_BOUNCE_CODES``."""
    try:
        data = json.loads(body)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise InputError(
            f"the report is not JSON ({exc})", expected="a JSON object", error_code="invalid_report"
        ) from exc
    report = read_gateway(data)
    codes = settings.sms_gateway_bounce_codes
    result = writer.write(lambda session: apply_sms_report(session, report, bounce_codes=codes))
    return _reply(result.outcome, result.invitation_id, result.status)
