"""SQL of the demo loader: renewal events (the store importers cover the rest)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from cxlens.models import LifecycleEvent, LifecycleKind, Response

CHUNK = 500


def _naive_utc(moment: datetime) -> datetime:
    if moment.tzinfo is not None:
        return moment.astimezone(UTC).replace(tzinfo=None)
    return moment


def has_responses(session: Session) -> bool:
    """Whether any response is stored."""
    return session.scalar(select(Response.id).limit(1)) is not None


def add_renewals(session: Session, events: Sequence[tuple[int, datetime]]) -> int:
    """Store ``renewed`` lifecycle events (customer id, moment) not stored yet; return how many."""
    ids = sorted({c for c, _ in events})
    stored: set[tuple[int, datetime]] = set()
    for i in range(0, len(ids), CHUNK):
        rows = session.execute(
            select(LifecycleEvent.customer_id, LifecycleEvent.at).where(
                LifecycleEvent.kind == LifecycleKind.RENEWED.value,
                LifecycleEvent.customer_id.in_(ids[i : i + CHUNK]),
            )
        )
        stored.update((c, _naive_utc(at)) for c, at in rows)
    new = []
    for customer, at in events:
        key = (customer, _naive_utc(at))
        if key not in stored:
            stored.add(key)
            new.append({"customer_id": customer, "kind": LifecycleKind.RENEWED.value, "at": at})
    for i in range(0, len(new), 10_000):
        session.execute(insert(LifecycleEvent), new[i : i + 10_000])
    return len(new)
