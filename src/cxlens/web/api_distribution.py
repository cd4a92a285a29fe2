"""REST API of distribution: ``POST /api/v1/events`` (hot campaigns), ``GET /api/v1/funnel``,
``POST /api/v1/inbound/bounces`` (returned emails from an MTA pipe or an inbound-mail hook)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request

from cxlens.core.errors import InputError, TooLargeError
from cxlens.features.accounts.permissions import Permission
from cxlens.features.distribution.bounces import process_dsn
from cxlens.features.distribution.funnel import DIMENSIONS, funnel
from cxlens.features.distribution.schemas import BounceReply, EventIn, EventResult, FunnelRow
from cxlens.features.distribution.service import record_event
from cxlens.web.auth import Reader, requires
from cxlens.web.deps import ReadSession, SettingsDep, WriterDep
from cxlens.web.errors import problem_responses

router = APIRouter(prefix="/api/v1", tags=["distribution"])


async def raw_message(request: Request, settings: SettingsDep) -> bytes:
    """The request body: one RFC 822 message, at most ``max_bounce_bytes`` (the edge's body
    limit of this route refuses a larger one as it streams in; this is the same check)."""
    body = await request.body()
    if not body.strip():
        raise InputError("the body is empty", expected="the raw message", error_code="empty_body")
    limit = settings.max_bounce_bytes
    if len(body) > limit:
        raise TooLargeError(
            f"the message is larger than {limit:,} bytes",
            expected=f"at most {limit:,} bytes",
            limit=limit,
        )
    return body


@router.post(
    "/events",
    response_model=EventResult,
    summary="Record an event (hot survey)",
    responses=problem_responses(401, 403, 422),
    dependencies=[requires(Permission.SEND)],
)
def post_event(body: EventIn, writer: WriterDep, settings: SettingsDep) -> EventResult:
    """Record an interaction; matching trigger rules schedule their invitations after their
    delay. The same ``idempotency_key`` again returns the first result (``duplicate``).
    Answered once the event is committed."""
    return writer.write(lambda session: record_event(session, settings, body))


@router.get(
    "/funnel",
    response_model=list[FunnelRow],
    summary="Response funnel",
    responses=problem_responses(401, 403, 422),
)
def get_funnel(
    session: ReadSession,
    settings: SettingsDep,
    caller: Reader,
    by: Annotated[list[str] | None, Query(description=f"any of {', '.join(DIMENSIONS)}")] = None,
) -> list[FunnelRow]:
    """sent → delivered → opened → started → completed per group, with the response rate
    (completed ÷ delivered) and its 95% Wilson interval. A caller with a data scope sees
    only the invitations of customers within it."""
    return funnel(
        session,
        by=tuple(by) if by else DIMENSIONS,
        min_n=settings.min_n,
        scope=caller.data_scope,
    )


@router.post(
    "/inbound/bounces",
    response_model=BounceReply,
    summary="Take a returned email (DSN)",
    responses=problem_responses(413, 422),
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {
                "message/rfc822": {"schema": {"type": "string", "format": "binary", "minLength": 1}}
            },
        }
    },
)
def post_bounce(
    raw: Annotated[bytes, Depends(raw_message)],
    writer: WriterDep,
    settings: SettingsDep,
) -> BounceReply:
    """The raw returned message (any content type; ``message/rfc822`` preferred). A permanent
    failure (5.x.x) of an invitation email suppresses the address; a delay, a message that
    is not a DSN, or one without a genuine cxlens reference changes nothing. Sending the
    same message twice answers ``already``."""
    result = writer.write(lambda session: process_dsn(session, settings, raw))
    return BounceReply(
        outcome=result.outcome.value,
        invitation_id=result.invitation_id,
        address=result.address,
        status=result.status,
    )
