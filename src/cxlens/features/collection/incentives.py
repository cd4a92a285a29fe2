"""Incentive codes: pools of codes, one given to each completed response, for good."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime

from sqlalchemy.orm import Session

from cxlens.features.collection import repository
from cxlens.models import IncentiveCode


def add_incentive_codes(session: Session, pool: str, codes: Iterable[str]) -> int:
    """Add codes to ``pool`` (codes already there are skipped); the number added."""
    existing = repository.pool_codes(session, pool)
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
    mine = repository.code_of(session, response_id)
    if mine is not None:
        return mine
    for _ in range(5):
        free = repository.first_free_code_id(session, pool)
        if free is None:
            return None
        if repository.take_code(session, free, response_id, datetime.now(UTC)):
            return repository.code_by_id(session, free)
    return None


def code_of(session: Session, response_id: int) -> str | None:
    """The code the response was given (on submission), or ``None``. Reads only."""
    return repository.code_of(session, response_id)
