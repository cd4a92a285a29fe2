from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from cxlens.models import DEFAULT_TOUCHPOINTS, Touchpoint
from models._helpers import rejected


def test_the_migration_seeds_touchpoints_in_journey_order(session: Session) -> None:
    rows = session.execute(select(Touchpoint.key, Touchpoint.position).order_by(Touchpoint.id))
    keys, positions = zip(*rows, strict=True)
    assert list(keys) == [key for key, _name in DEFAULT_TOUCHPOINTS]
    assert list(positions) == sorted(positions)
    assert len(set(positions)) == len(positions)


def test_touchpoint_keys_are_unique(session: Session) -> None:
    rejected(session, lambda: session.add(Touchpoint(key="support", name="Support again")))
