"""An assertion helper of the model-layer tests (their factories are in tests/factories.py)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session


def rejected(session: Session, change: Callable[[], object]) -> None:
    """``change`` (flushed) violates a constraint; the session stays usable (savepoint)."""
    with pytest.raises(IntegrityError), session.begin_nested():
        change()
        session.flush()
