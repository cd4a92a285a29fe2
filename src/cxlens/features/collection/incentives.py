"""Incentive codes: pools of codes, one given to each completed response, for good."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from cxlens.models import IncentiveCode


def add_incentive_codes(session: Session, pool: str, codes: Iterable[str]) -> int:
    """Add codes to ``pool`` (codes already there are skipped); the number added."""
    existing = set(session.scalars(select(IncentiveCode.code).where(IncentiveCode.pool == pool)))
    added = 0
    for raw in codes:
        code = raw.strip()
        if code and code not in existing:
            session.add(IncentiveCode(pool=pool, code=code))
            existing.add(code)
            added += 1
    session.flush()
    return added


def incentive_code(session: Session, pool: str, response_id: int) -> str | None:
    """The response's code from ``pool``: the one it already has, else a free one taken now.

    ``None`` when the pool is empty. Taking a code is a conditional update (``WHERE
    response_id IS NULL``), so two responses can never get the same code.
    """
    mine = session.scalar(
        select(IncentiveCode.code).where(IncentiveCode.response_id == response_id)
    )
    if mine is not None:
        return mine
    for _ in range(5):
        free = session.scalar(
            select(IncentiveCode.id)
            .where(IncentiveCode.pool == pool, IncentiveCode.response_id.is_(None))
            .order_by(IncentiveCode.id)
            .limit(1)
        )
        if free is None:
            return None
        taken = session.execute(
            update(IncentiveCode)
            .where(IncentiveCode.id == free, IncentiveCode.response_id.is_(None))
            .values(response_id=response_id, assigned_at=datetime.now(UTC))
            .execution_options(synchronize_session=False)
        )
        if getattr(taken, "rowcount", 0) == 1:
            return session.scalar(select(IncentiveCode.code).where(IncentiveCode.id == free))
    return None


def code_of(session: Session, response_id: int) -> str | None:
    """The code the response was given (on submission), or ``None``. Reads only."""
    return session.scalar(
        select(IncentiveCode.code).where(IncentiveCode.response_id == response_id)
    )
