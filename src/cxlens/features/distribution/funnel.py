"""The response funnel: sent → delivered → opened → started → completed, per group.

Response rate = completed ÷ delivered, with its Wilson interval
(:func:`cxlens.analytics.formulas.proportion_value`). Opens are counted only where they can
be measured (the email open pixel, web and widget page views): for SMS they are ``None``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime

from sqlalchemy.orm import Session

from cxlens.analytics.counts import ProportionCounts
from cxlens.analytics.formulas import proportion_value
from cxlens.core.errors import InputError, Location
from cxlens.features.distribution import repository as repo
from cxlens.features.distribution.schemas import FunnelRow

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
    scope: Mapping[str, Sequence[str]] | None = None,
) -> list[FunnelRow]:
    """The funnel of invitations (made in ``[since, until)`` by sent time, if given) per group
    (only of customers within ``scope``, a user's data scope, when given)."""
    unknown = [d for d in by if d not in DIMENSIONS]
    if unknown:
        raise InputError(
            f"cannot split the funnel by {', '.join(unknown)}",
            Location(field="by"),
            expected=", ".join(DIMENSIONS),
        )
    rows = repo.funnel_counts(session, by, OPEN_MEASURED, since=since, until=until, scope=scope)
    out: list[FunnelRow] = []
    for row in rows:
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
