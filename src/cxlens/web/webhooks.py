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

from fastapi import APIRouter, Depends, HTTPException, Request

from cxlens.channels.sms import (
    DELIVERY_BOUNCE_CODES,
    GATEWAY_SIGNATURE_HEADER,
    TWILIO_SIGNATURE_HEADER,
    ReportError,
    read_gateway,
    read_twilio,
    verify_gateway,
    verify_twilio,
)
from cxlens.core.settings import Settings
from cxlens.features.distribution.schemas import BounceReply
from cxlens.features.distribution.sms_reports import (
    GATEWAY_STATUS_PATH,
    TWILIO_STATUS_PATH,
    apply_sms_report,
    twilio_status_callback,
)
from cxlens.web.deps import SettingsDep, WriterDep

router = APIRouter(tags=["webhooks"])

#: The largest delivery report taken.
MAX_REPORT_BYTES = 64 * 1024


async def _body(request: Request) -> bytes:
    body = await request.body()
    if len(body) > MAX_REPORT_BYTES:
        raise HTTPException(status_code=413, detail="the report is larger than 64 KB")
    return body


def _reply(outcome: str, invitation_id: int | None, status: str | None) -> BounceReply:
    return BounceReply(outcome=outcome, invitation_id=invitation_id, status=status)


async def twilio_report(request: Request) -> dict[str, str]:
    """The form fields of a Twilio callback whose signature checks out, else 403."""
    settings: Settings = request.app.state.settings
    if not settings.twilio_auth_token:
        raise HTTPException(
            status_code=403,
            detail="Twilio delivery reports are not accepted: CXLENS_TWILIO_AUTH_TOKEN is not set",
        )
    body = await _body(request)
    params = dict(parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True))
    urls = [u for u in (twilio_status_callback(settings), str(request.url)) if u]
    signature = request.headers.get(TWILIO_SIGNATURE_HEADER)
    if not verify_twilio(settings.twilio_auth_token or "", urls, params, signature):
        raise HTTPException(status_code=403, detail="the Twilio signature does not match")
    return params


@router.post(TWILIO_STATUS_PATH, response_model=BounceReply, summary="Twilio status callback")
def twilio_status(
    params: Annotated[dict[str, str], Depends(twilio_report)],
    writer: WriterDep,
) -> BounceReply:
    """A Twilio delivery report (``MessageSid``, ``MessageStatus``, ``ErrorCode``), signed
    with ``X-Twilio-Signature``. ``delivered`` counts in the funnel; ``undelivered`` or
    ``failed`` with an invalid-number code suppresses the number."""
    try:
        report = read_twilio(params)
    except ReportError as exc:
        raise HTTPException(status_code=422, detail=str(exc)) from exc
    result = writer.write(
        lambda session: apply_sms_report(session, report, bounce_codes=DELIVERY_BOUNCE_CODES)
    )
    return _reply(result.outcome, result.invitation_id, result.status)


async def gateway_report(request: Request) -> bytes:
    """The body of a gateway report whose signature checks out, else 403."""
    settings: Settings = request.app.state.settings
    if not settings.sms_gateway_callback_secret:
        raise HTTPException(
            status_code=403,
            detail="SMS gateway reports are not accepted: "
            "CXLENS_SMS_GATEWAY_CALLBACK_SECRET is not set",
        )
    body = await _body(request)
    signature = request.headers.get(GATEWAY_SIGNATURE_HEADER)
    if not verify_gateway(settings.sms_gateway_callback_secret or "", body, signature):
        raise HTTPException(status_code=403, detail="the gateway signature does not match")
    return body


@router.post(GATEWAY_STATUS_PATH, response_model=BounceReply, summary="SMS gateway report")
def gateway_status(
    body: Annotated[bytes, Depends(gateway_report)],
    writer: WriterDep,
    settings: SettingsDep,
) -> BounceReply:
    """A generic gateway's delivery report: JSON ``{"id", "status", "error_code",
    "error_message"}`` signed with ``X-Cxlens-Signature: sha256=<hex HMAC-SHA256 of the
    body>``. Bounce codes are ``CXLENS_SMS_GATEWAY_BOUNCE_CODES``."""
    try:
        report = read_gateway(json.loads(body))
    except (ReportError, json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise HTTPException(status_code=422, detail=str(exc)) from exc
    codes = settings.sms_gateway_bounce_codes
    result = writer.write(lambda session: apply_sms_report(session, report, bounce_codes=codes))
    return _reply(result.outcome, result.invitation_id, result.status)
