"""REST API of distribution: ``POST /api/v1/events`` (hot campaigns), ``GET /api/v1/funnel``."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Query
from sqlalchemy.orm import Session

from cxlens.core.errors import InputError, NotFoundError
from cxlens.core.settings import Settings
from cxlens.features.distribution.funnel import DIMENSIONS, funnel
from cxlens.features.distribution.schemas import EventIn, EventResult, FunnelRow
from cxlens.features.distribution.service import record_event
from cxlens.web.deps import get_session, get_settings

router = APIRouter(prefix="/api/v1", tags=["distribution"])


@router.post("/events", response_model=EventResult, summary="Record an event (hot survey)")
def post_event(
    body: EventIn,
    session: Annotated[Session, Depends(get_session)],
    settings: Annotated[Settings, Depends(get_settings)],
) -> EventResult:
    """Record an interaction; matching trigger rules schedule their invitations after their
    delay. The same ``idempotency_key`` again returns the first result (``duplicate``)."""
    try:
        return record_event(session, settings, body)
    except InputError as exc:
        raise HTTPException(status_code=422, detail=str(exc)) from exc


@router.get("/funnel", response_model=list[FunnelRow], summary="Response funnel")
def get_funnel(
    session: Annotated[Session, Depends(get_session)],
    settings: Annotated[Settings, Depends(get_settings)],
    by: Annotated[list[str] | None, Query(description=f"any of {', '.join(DIMENSIONS)}")] = None,
) -> list[FunnelRow]:
    """sent → delivered → opened → started → completed per group, with the response rate
    (completed ÷ delivered) and its 95% Wilson interval."""
    try:
        return funnel(session, by=tuple(by) if by else DIMENSIONS, min_n=settings.min_n)
    except InputError as exc:
        raise HTTPException(status_code=422, detail=str(exc)) from exc
    except NotFoundError as exc:
        raise HTTPException(status_code=404, detail=str(exc)) from exc
