"""The response funnel: sent → delivered → opened → started → completed, per group.

Response rate = completed ÷ delivered, with its Wilson interval
(:func:`cxlens.analytics.formulas.proportion_value`). Opens are counted only where they can
be measured (the email open pixel, web and widget page views): for SMS they are ``None``.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Label, case, func, select
from sqlalchemy.orm import Session

from cxlens.analytics.counts import ProportionCounts
from cxlens.analytics.formulas import proportion_value
from cxlens.core.errors import InputError, Location
from cxlens.features.distribution.schemas import FunnelRow
from cxlens.models import Invitation, Survey, SurveyVersion, Touchpoint

#: The dimensions a funnel may be split by.
DIMENSIONS = ("survey", "channel", "touchpoint")
#: Channels whose opens are measurable.
OPEN_MEASURED = ("email", "web", "widget")


def funnel(
    session: Session,
    by: Sequence[str] = ("survey", "channel", "touchpoint"),
    *,
    since: datetime | None = None,
    until: datetime | None = None,
    min_n: int = 30,
) -> list[FunnelRow]:
    """The funnel of invitations (made in ``[since, until)`` by sent time, if given) per group."""
    unknown = [d for d in by if d not in DIMENSIONS]
    if unknown:
        raise InputError(
            f"cannot split the funnel by {', '.join(unknown)}",
            Location(field="by"),
            expected=", ".join(DIMENSIONS),
        )
    columns = {
        "survey": func.coalesce(Survey.key, Survey.name),
        "channel": Invitation.channel,
        "touchpoint": Touchpoint.key,
    }
    keys: list[Label[Any]] = [columns[d].label(d) for d in by]

    measured = Invitation.channel.in_(OPEN_MEASURED)
    query = (
        select(
            *keys,
            func.count(Invitation.id).label("invited"),
            func.count(Invitation.sent_at).label("sent"),
            func.count(Invitation.delivered_at).label("delivered"),
            func.count(case((measured, Invitation.opened_at))).label("opened"),
            func.sum(case((measured, 1), else_=0)).label("measured"),
            func.count(Invitation.started_at).label("started"),
            func.count(Invitation.completed_at).label("completed"),
        )
        .select_from(Invitation)
        .join(SurveyVersion, SurveyVersion.id == Invitation.survey_version_id)
        .join(Survey, Survey.id == SurveyVersion.survey_id)
        .outerjoin(Touchpoint, Touchpoint.id == Invitation.touchpoint_id)
    )
    if since is not None:
        query = query.where(Invitation.sent_at >= since)
    if until is not None:
        query = query.where(Invitation.sent_at < until)
    if keys:
        query = query.group_by(*keys).order_by(*keys)
    out: list[FunnelRow] = []
    for row in session.execute(query).mappings():
        group = {d: (None if row[d] is None else str(row[d])) for d in by}
        delivered, completed = int(row["delivered"]), int(row["completed"])
        rate = proportion_value(
            "response_rate",
            ProportionCounts(n=delivered, hits=min(completed, delivered)),
            min_n=min_n,
        )
        out.append(
            FunnelRow(
                group=group,
                invited=int(row["invited"]),
                sent=int(row["sent"]),
                delivered=delivered,
                opened=int(row["opened"]) if int(row["measured"] or 0) > 0 else None,
                started=int(row["started"]),
                completed=completed,
                response_rate=rate.value,
                ci_low=rate.ci_low,
                ci_high=rate.ci_high,
                low_confidence=rate.low_confidence,
            )
        )
    return out
